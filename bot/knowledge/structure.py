"""Split a normalized document into blocks under their headings, and blocks into sentences.

Documents mark structure in several ways: "一、" chapters, "1." items, bullets,
short label lines ("收入", "入门级(0-2年经验):"), markdown headings and tables.
Each block remembers its heading path so that extraction can use context
("资深级" above "- 一线城市:18000-30000元").
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Dict, Iterator, List, Tuple

_CHAPTER = re.compile(r"^[一二三四五六七八九十]+[、.]\s*(.*)$")
_NUMBERED = re.compile(r"^(\d{1,2})[.、)]\s*(.*)$")
_BULLET = re.compile(r"^\s*(?:[-*•·●▪]|\d{1,2}[.、)])\s*")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SENTENCE_PUNCT = re.compile(r"[。!?;,,;]")

SHORT_HEADING = 24
SENTENCE_END = ["。", "!", "?"]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    numbered: bool = False


@dataclass
class Block:
    """A paragraph, list item or table row, with its position in the normalized text."""

    kind: str  # "paragraph" | "item" | "row" | "heading"
    text: str
    start: int
    headings: Tuple[Heading, ...]
    cells: Dict[str, str] = field(default_factory=dict)
    order: int = 0  # position among sibling items, from 1

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def section(self) -> str:
        return " > ".join(h.text for h in self.headings) if self.headings else ""


def _heading(line: str, first: bool) -> Heading | None:
    text = line.strip()
    if first:
        return Heading(0, text.lstrip("#").strip())
    m = _MD_HEADING.match(text)
    if m:
        return Heading(len(m.group(1)), m.group(2).strip())
    m = _CHAPTER.match(text)
    if m and len(text) <= SHORT_HEADING + 6:
        return Heading(1, text, numbered=True)
    m = _NUMBERED.match(text)
    if m and len(m.group(2)) <= 16 and not _SENTENCE_PUNCT.search(m.group(2)):
        return Heading(3, text, numbered=True)
    if _BULLET.match(line):
        return None
    if text.endswith(":") and len(text) <= SHORT_HEADING and not _SENTENCE_PUNCT.search(text):
        return Heading(4, text.rstrip(":"))
    if len(text) <= 16 and not _SENTENCE_PUNCT.search(text) and not text.startswith("|"):
        return Heading(2, text)
    return None


def is_title(line: str, title: str | None) -> bool:
    """Whether a document's first line is its title rather than its first section.

    Without a known title the first line is taken as the title; with one, the
    line must resemble it ("【客服主管(客服)】职业发展前景……" does, "职业现状" does not).
    """
    if title is None:
        return True
    return SequenceMatcher(None, line.strip().lstrip("#").strip(), title).ratio() >= 0.6


def split_blocks(text: str, title: str | None = None) -> List[Block]:
    """Blocks in document order; headings are blocks too so nothing is lost."""
    blocks: List[Block] = []
    stack: List[Heading] = []
    table_header: List[str] | None = None
    offset = 0
    first = True
    counters: Dict[Tuple[Heading, ...], int] = {}
    for line in text.split("\n"):
        start = offset + (len(line) - len(line.lstrip()))
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped:
            table_header = None
            continue
        if _TABLE_ROW.match(line) or (table_header is not None and _TABLE_RULE.match(line)):
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if table_header is None:
                table_header = cells
            elif not _TABLE_RULE.match(line):
                blocks.append(
                    Block(
                        "row",
                        stripped,
                        start,
                        tuple(stack),
                        dict(zip(table_header, cells, strict=False)),
                    )
                )
            continue
        table_header = None
        heading = _heading(line, first and is_title(line, title))
        first = False
        if heading is not None:
            stack = [h for h in stack if h.level < heading.level]
            path = tuple(stack)
            blocks.append(Block("heading", stripped, start, path))
            if heading.numbered and heading.level > 1:
                counters[path] = counters.get(path, 0) + 1
                blocks[-1].order = counters[path]
            stack.append(heading)
            continue
        kind = "item" if _BULLET.match(line) else "paragraph"
        block = Block(kind, stripped, start, tuple(stack))
        if kind == "item":
            counters[block.headings] = counters.get(block.headings, 0) + 1
            block.order = counters[block.headings]
        blocks.append(block)
    return blocks


def strip_marker(text: str) -> str:
    """A list item or numbered heading without its bullet or number."""
    return _BULLET.sub("", text, count=1).strip()


def _import_spacy():
    """Import spaCy without thinc probing TensorFlow, which costs ~2 s here.

    The blank pipeline never uses TensorFlow. If something already imported
    it, nothing is hidden; otherwise it is hidden only during this import.
    """
    hide = "tensorflow" not in sys.modules
    if hide:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if hide:
            del sys.modules["tensorflow"]
    return spacy


@lru_cache(maxsize=1)
def _nlp():
    """spaCy's blank Chinese pipeline with jieba, plus a rule-based sentencizer.

    Loaded once and lazily: it needs no model download.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    spacy = _import_spacy()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_END})
    return nlp


def sentences(text: str) -> Iterator[Tuple[int, str]]:
    """(offset, sentence) pairs of a block's text, offsets relative to the block."""
    doc = _nlp()(text)
    for sent in doc.sents:
        raw = sent.text
        lead = len(raw) - len(raw.lstrip())
        if raw.strip():
            yield sent.start_char + lead, raw.strip()
