"""Text PDFs: page by page, line breaks kept, page numbers and hard wraps undone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List

from bot.knowledge.readers import ReaderError, join

# "3", "- 3 -", "第3页", "3 / 12", "Page 3 of 12": page furniture, not content.
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–]?\s*\d{1,4}\s*[-—–]?|第\s*\d{1,4}\s*页(?:\s*[/,,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?)\s*$",
    re.I,
)
_ENDS_CLAUSE = re.compile(r"[。!?::;;!?|」』”)]\s*$")
_STARTS_BLOCK = re.compile(
    r"^\s*(?:[-*•·●▪#|]|\d{1,2}[.、)]|[一二三四五六七八九十]+[、.]|[((][一二三四五六七八九十\d]+[))])"
)
# A line at least this share of the page's longest line was wrapped by the layout.
FULL_LINE = 0.85
MIN_WRAP_WIDTH = 20


def unwrap(page_text: str) -> List[str]:
    """A page's lines with page numbers dropped and lines the layout wrapped joined again.

    A PDF stores visual lines, so one sentence can be cut in two. A line is
    joined to the next when it runs (nearly) the full width of the page, does
    not end a clause, and the next line does not start a heading or bullet.
    """
    lines = [line.rstrip() for line in page_text.splitlines()]
    lines = [line for line in lines if line.strip() and not _PAGE_NUMBER.match(line)]
    width = max((len(line.strip()) for line in lines), default=0)
    out: List[str] = []
    joinable = False
    for line in lines:
        if joinable and not _STARTS_BLOCK.match(line):
            out[-1] += line.strip()
        else:
            out.append(line.strip())
        joinable = (
            width >= MIN_WRAP_WIDTH
            and len(line.strip()) >= FULL_LINE * width
            and not _ENDS_CLAUSE.search(line)
        )
    return out


def read(path: Path) -> str:
    """Every page's text, or ReaderError for corrupt, encrypted and image-only PDFs."""
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - depends on the environment
        raise ReaderError("pypdf is not installed") from None
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not _decrypt(reader):
            raise ReaderError("the PDF is password-protected; save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReaderError:
        raise
    except Exception as err:
        raise ReaderError(f"not a readable PDF ({type(err).__name__})") from None
    lines: List[str] = []
    for page in pages:
        lines.extend(unwrap(page))
        lines.append("")
    if not any(line.strip() for line in lines):
        raise ReaderError(
            "the PDF has no text layer (scanned pages or images?); export it as text or OCR it"
        )
    return join(lines)


def _decrypt(reader) -> bool:
    """Open a PDF that is encrypted with an empty user password (only editing restricted)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False
