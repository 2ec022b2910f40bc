"""Script conversion shared by the knowledge base, the NLU normalizer and replies."""

from __future__ import annotations

import unicodedata
from functools import cache

import opencc

# Share of Han characters that must change under t2s for a text to count as Traditional.
TRADITIONAL_SHARE = 0.05


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text)


def detect_script(text: str) -> str:
    """ "traditional" if converting to Simplified changes a noticeable share of Han characters."""
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return "simplified"
    sample = "".join(han[:2000])
    changed = sum(a != b for a, b in zip(sample, to_simplified(sample), strict=False))
    return "traditional" if changed / len(sample) > TRADITIONAL_SHARE else "simplified"


def normalize_text(text: str) -> str:
    """Simplified script in NFKC form: what the lexicon and the NLU model expect.

    Lone surrogates (invalid UTF-16 halves a JSON body can carry) are dropped:
    OpenCC cannot encode them and they mean nothing.
    """
    text = text.encode("utf-8", "ignore").decode("utf-8")
    return unicodedata.normalize("NFKC", to_simplified(text))


def in_script(text: str, script: str | None) -> str:
    """A Simplified reply rendered in the script the user wrote in."""
    return to_traditional(text) if script == "traditional" else text
