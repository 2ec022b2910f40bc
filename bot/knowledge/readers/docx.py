"""Word (.docx) documents: heading and list styles become markdown, tables stay in place."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List

from bot.knowledge.readers import ReaderError, clean, join, table_lines

_HEADING = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.I)


def _paragraph_line(paragraph) -> str:
    """A paragraph as one line: "# …" for headings, "- …" for list items."""
    text = clean(paragraph.text)
    if not text:
        return ""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    m = _HEADING.match(style)
    if m:
        return "#" * min(max(int(m.group(1)), 1), 6) + " " + text
    if style == "Title":
        return "# " + text
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    if style.startswith("List") or numbered:
        return "- " + text
    return text


def _table_lines(table) -> List[str]:
    """A table as markdown; a one-column (layout) table as plain paragraphs."""
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    rows = [row for row in rows if any(clean(c) for c in row)]
    if not rows:
        return []
    if max(len(row) for row in rows) < 2:
        return [clean(row[0]) for row in rows]
    return table_lines(rows)


def read(path: Path) -> str:
    """Body paragraphs and tables in document order (headers, footers and notes are skipped)."""
    try:
        import docx
        from docx.table import Table
    except ImportError:  # pragma: no cover - depends on the environment
        raise ReaderError("python-docx is not installed") from None
    try:
        document = docx.Document(str(path))
    except Exception as err:
        reason = type(err).__name__
        raise ReaderError(
            f"not a readable .docx file ({reason}); an old .doc must be saved as .docx"
        ) from None
    lines: List[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_lines(block))
        else:
            lines.append(_paragraph_line(block))
    return join(lines)
