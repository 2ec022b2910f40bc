"""Reading source documents and their manifest, rejecting what cannot be read.

Plain text and markdown are read here; Word, PDF and HTML files go through
`bot.knowledge.readers`, which convert them to the same markdown-ish text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bot.knowledge import readers
from bot.knowledge.models import Source

log = logging.getLogger(__name__)

SOURCES_DIR = Path(__file__).with_name("sources")
MANIFEST_NAME = "sources.yml"
TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = TEXT_SUFFIXES + readers.SUFFIXES

_PUBLISHER = re.compile(r"^\s*(?:作者|来源|發布者|发布者|出处)\s*[::]\s*(\S.{0,40}?)\s*$", re.M)
_DATE = re.compile(r"(?:发布时间|發布時間|日期|发布日期)\s*[::]\s*(\d{4}-\d{1,2}-\d{1,2})")


class SourceError(Exception):
    """A document that cannot be used; the message names the file and why."""


@dataclass(frozen=True)
class RawDocument:
    source: Source
    text: str


def _manifest(directory: Path) -> Dict[str, dict]:
    path = directory / MANIFEST_NAME
    if not path.exists():
        return {}
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {entry["file"]: entry for entry in entries.get("sources", [])}


def decode(path: Path) -> str:
    """Strict UTF-8 text of a file, or SourceError saying why it is unusable."""
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(f"{path.name}: the file is empty")
    if b"\x00" in data:
        raise SourceError(f"{path.name}: the file is binary, not UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SourceError(
            f"{path.name}: not valid UTF-8 (byte {err.start}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise SourceError(f"{path.name}: the file has no text")
    return text


def read_text(path: Path) -> str:
    """A document's text whatever its format, or SourceError naming the file and the reason."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        return decode(path)
    if not path.read_bytes().strip():
        raise SourceError(f"{path.name}: the file is empty")
    try:
        return readers.read(path)
    except readers.ReaderError as err:
        raise SourceError(f"{path.name}: {err}") from None
    except Exception as err:  # a reader's library failing on odd input
        log.exception("reading %s failed", path.name)
        raise SourceError(f"{path.name}: could not be read ({type(err).__name__})") from None


def _first_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip())


def _stated(pattern: re.Pattern, text: str) -> str | None:
    m = pattern.search(text)
    return m.group(1) if m else None


def read_sources(directory: Path = SOURCES_DIR) -> Tuple[List[RawDocument], List[str]]:
    """All readable documents and one error line per unreadable one.

    A file with no manifest entry still builds: its id is its stem and its
    title its first line, and publisher and date come from the text if stated.
    """
    manifest = _manifest(directory)
    documents: List[RawDocument] = []
    errors: List[str] = []
    for path in sorted(directory.iterdir()):
        if path.name == MANIFEST_NAME or path.name.startswith((".", "~$")):
            continue  # hidden files and Office's lock files ("~$guide.docx") are not sources
        if path.suffix.lower() not in SUFFIXES:
            errors.append(
                f"{path.name}: unsupported file type {path.suffix or '(none)'}"
                f" (supported: {', '.join(SUFFIXES)})"
            )
            continue
        try:
            text = read_text(path)
        except SourceError as err:
            errors.append(str(err))
            continue
        entry = manifest.get(path.name, {})
        source = Source(
            id=str(entry.get("id", path.stem)),
            title=entry.get("title") or _first_line(text).lstrip("#").strip(),
            path=path.name,
            script=entry.get("script", "unknown"),
            publisher=entry.get("publisher") or _stated(_PUBLISHER, text),
            date=str(entry["date"]) if entry.get("date") else _stated(_DATE, text),
        )
        documents.append(RawDocument(source, text))
    return documents, errors
