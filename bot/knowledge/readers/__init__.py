"""Readers that turn office documents into the plain text the structure splitter reads.

HR keeps its material as Word files, PDFs and saved web pages. Each reader
converts one format into markdown-ish text (``#`` headings, ``- `` bullets,
``| a | b |`` tables) so that extraction needs no format-specific code. The
third-party libraries are imported only when a file of that type is read, so
the assistant's runtime never pays for them.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Dict, List, Sequence

# suffix -> module in this package that has `read(path) -> str`
READERS: Dict[str, str] = {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}
SUFFIXES = tuple(READERS)

_SPACE = re.compile(r"[ \t\u00a0\u3000]+")
_BLANK_RUN = re.compile(r"\n{3,}")


class ReaderError(Exception):
    """A document of a supported type that cannot be converted; the message is the reason."""


def read(path: Path) -> str:
    """The document's text in the splitter's markdown-ish form, or ReaderError saying why not."""
    module = importlib.import_module(f"{__name__}.{READERS[path.suffix.lower()]}")
    text = module.read(path)
    if not text.strip():
        raise ReaderError("the document has no text")
    return text


def clean(text: str) -> str:
    """One line of text with runs of spaces (incl. no-break and ideographic) collapsed."""
    return _SPACE.sub(" ", text.replace("\n", " ")).strip()


def join(lines: Sequence[str]) -> str:
    """Lines as one text with at most one blank line in a row."""
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


def table_lines(rows: Sequence[Sequence[str]]) -> List[str]:
    """Rows as a markdown table, first row the header, padded to a common width.

    Blank lines around it end the table for the splitter. "|" inside a cell
    would split it, so it becomes "/".
    """
    width = max(len(row) for row in rows)
    lines = [""]
    for index, row in enumerate(rows):
        cells = [clean(c).replace("|", "/") for c in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("| " + " | ".join(["---"] * width) + " |")
    lines.append("")
    return lines
