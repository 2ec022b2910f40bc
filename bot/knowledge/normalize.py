"""Normalization: one script, one form, and each paragraph once.

Everything downstream (extraction, quotes, spans) works on the normalized
text, so a quote's span always points into exactly what was stored.
"""

from __future__ import annotations

from typing import List

from bot.text import normalize_text

# A repeated run of lines is removed only if it holds at least one line this
# long: short lines such as "1. 初级客服专员" legitimately recur as headings.
MIN_REPEATED_PARAGRAPH = 20


def normalize_document_text(text: str) -> str:
    """Traditional->Simplified, NFKC, tidy whitespace. Line structure is kept."""
    text = normalize_text(text)
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n") + "\n"


def drop_repeated_paragraphs(text: str) -> str:
    """Remove runs of lines that repeat earlier lines, when the run is substantial.

    Copy-pasted documents repeat whole sections; each fact must be stored once.
    A run is a maximal sequence of non-blank lines each seen before; it goes if
    any of its lines is a real paragraph (not just a short heading).
    """
    lines = text.split("\n")
    seen = set()
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        key = lines[i].strip()
        if not key or key not in seen:
            seen.add(key)
            i += 1
            continue
        run: List[int] = []
        j = i
        while j < len(lines) and (not lines[j].strip() or lines[j].strip() in seen):
            run.append(j)
            j += 1
        if any(len(lines[k].strip()) >= MIN_REPEATED_PARAGRAPH for k in run):
            for k in run:
                keep[k] = False
        i = j
    return "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)


def normalize_document(text: str) -> str:
    return drop_repeated_paragraphs(normalize_document_text(text))
