"""Saved web pages: the main content only, converted to markdown-ish text.

A saved page is mostly navigation, adverts and footers. Like Readability,
each text paragraph scores its parent (and half its grandparent) by the
Chinese characters it holds; the best-scoring element is the content,
unless the page marks it with <article> or <main>.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List

from bot.knowledge.readers import ReaderError, clean, join, table_lines

NOISE = ("script", "style", "noscript", "template", "iframe", "svg", "nav", "header", "footer")
NOISE += ("aside", "form", "button", "select", "head")
HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCKS = {"p", "div", "section", "article", "main", "blockquote", "pre", "dl", "dt", "dd"}
BLOCKS |= {"figure", "figcaption", "address", "center", "body", "html", "tbody", "tr", "td", "th"}
PARAGRAPHS = ("p", "li", "td", "pre", "blockquote", "dd", "h2", "h3", "h4", "h5", "h6")
CONTAINED = {"tr", "thead", "tbody", "tfoot", "table", "ul", "ol", "li", "dl"}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_NEWLINES = re.compile(r"\s*\n\s*")
# A space between two CJK characters is a line break in the page's source, not text.
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def _line(text: str) -> str:
    return _CJK_GAP.sub("", clean(text))


def _han(text: str) -> int:
    return len(_HAN.findall(text))


def main_content(soup):
    """<article>/<main> if present, else the element its paragraphs score highest."""
    for name in ("article", "main"):
        found = soup.find(name)
        if found is not None and _han(found.get_text()) > 0:
            return found
    scores: Dict[int, float] = {}
    nodes: Dict[int, object] = {}
    for paragraph in soup.find_all(PARAGRAPHS):
        score = _han(paragraph.get_text())
        for share, node in (
            (1.0, paragraph.parent),
            (0.5, getattr(paragraph.parent, "parent", None)),
        ):
            if node is not None and node.name not in (None, "[document]"):
                scores[id(node)] = scores.get(id(node), 0.0) + share * score
                nodes[id(node)] = node
    if not scores or max(scores.values()) == 0:
        return soup.body or soup
    best = nodes[max(scores, key=scores.get)]
    while best.name in CONTAINED and best.parent is not None and best.parent.name != "[document]":
        best = best.parent  # a table or list is part of the content, not all of it
    return best


def _is_data_table(table) -> bool:
    """A table of values, not one that lays out the page: no nested blocks, >= 2 columns."""
    if table.find(["table", "p", "div", "ul", "ol"]) is not None:
        return False
    rows = _rows(table)
    return len(rows) >= 2 and max(len(row) for row in rows) >= 2


def _rows(table) -> List[List[str]]:
    rows = []
    for tr in table.find_all("tr"):
        cells = [_line(c.get_text(" ")) for c in tr.find_all(["td", "th"], recursive=False)]
        if any(clean(c) for c in cells):
            rows.append(cells)
    return rows


class _Writer:
    """Walks an element tree, buffering inline text until a block element ends it."""

    def __init__(self) -> None:
        self.lines: List[str] = []
        self.buffer: List[str] = []

    def flush(self, bullet: str | None = None) -> None:
        """End the current paragraph; a list item's text becomes one bullet line."""
        text = _NEWLINES.sub("\n", "".join(self.buffer))
        self.buffer = []
        if bullet is not None:
            if clean(text):
                self.lines.append(bullet + _line(text))
            return
        self.lines.extend(_line(line) for line in text.split("\n") if clean(line))

    def walk(self, node, depth: int = 0) -> None:
        for child in node.children:
            name = getattr(child, "name", None)
            if name is None:
                if type(child).__name__ == "NavigableString":
                    self.buffer.append(re.sub(r"\s+", " ", str(child)))
            elif name == "br":
                self.buffer.append("\n")
            elif name in HEADINGS:
                self.flush()
                self.lines.append("#" * HEADINGS[name] + " " + _line(child.get_text(" ")))
            elif name in ("ul", "ol"):
                self.flush()
                self.walk(child, depth + 1)
            elif name == "li":
                self._item(child, depth)
            elif name == "table" and _is_data_table(child):
                self.flush()
                self.lines.extend(table_lines(_rows(child)))
            elif name in BLOCKS or name == "table":
                self.flush()
                self.walk(child, depth)
                self.flush()
            else:
                self.walk(child, depth)

    def _item(self, item, depth: int) -> None:
        """A list item: all its own text as one bullet, nested lists as deeper bullets."""
        self.flush()
        nested = item.find_all(["ul", "ol"], recursive=False)
        for sub in nested:
            sub.extract()
        inner = _Writer()
        inner.walk(item, depth)
        inner.flush()
        text = " ".join(inner.lines)
        if text:
            self.lines.append("  " * max(depth - 1, 0) + "- " + text)
        for sub in nested:
            self.walk(sub, depth + 1)


def read(path: Path) -> str:
    """The page's main content, or ReaderError when nothing readable is left."""
    try:
        from bs4 import BeautifulSoup
    except ImportError:  # pragma: no cover - depends on the environment
        raise ReaderError("beautifulsoup4 is not installed") from None
    data = path.read_bytes()
    if not data.strip():
        raise ReaderError("the file is empty")
    soup = BeautifulSoup(data, "html.parser")
    title = clean(soup.title.get_text()) if soup.title else ""
    for element in soup.find_all(NOISE):
        element.decompose()
    content = main_content(soup)
    writer = _Writer()
    writer.walk(content)
    writer.flush()
    lines = writer.lines
    if not any(line.strip() for line in lines):
        raise ReaderError("the page has no readable text")
    if not any(line.startswith("# ") for line in lines[:3]):
        heading = soup.find("h1")
        first = _line(heading.get_text(" ")) if heading is not None else title
        if first:
            lines.insert(0, "# " + first)
    return join(lines)
