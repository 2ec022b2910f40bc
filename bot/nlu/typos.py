"""Repair of homophone typos in the domain's words ("岗位职则" -> "岗位职责").

A typo made with a pinyin input method is a word spelt with other characters of the same
sound. It is not a word, so jieba cuts it into single characters. Only such a run of single
characters is repaired, and only into a domain word of the same sound (the table from
bot.knowledge.homophones): "为来年" keeps 来年, a word, so it never becomes 未来.
The repaired text has the same length, so entity offsets still hold.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import jieba

logger = logging.getLogger(__name__)

SHORTEST = 2


@dataclass(frozen=True)
class Repair:
    start: int
    said: str
    meant: str


class HomophoneRepair:
    """Repairs typos into the words of a homophone table (reading -> words)."""

    def __init__(self, words: Dict[str, List[str]], readings: Dict[str, str]) -> None:
        # A reading several words share names no one word to repair into.
        self._words = {r: ws[0] for r, ws in words.items() if len(ws) == 1}
        self._readings = readings
        self._longest = max((len(r.split()) for r in self._words), default=0)

    @classmethod
    def from_file(cls, path: Path) -> HomophoneRepair:
        """The table `python -m bot.knowledge build` wrote; without one, nothing is repaired."""
        try:
            table = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            logger.warning("No homophone table at %s: typos are not repaired.", path)
            return cls({}, {})
        return cls(table["words"], table["readings"])

    def repair(self, text: str) -> Tuple[str, List[Repair]]:
        """The text with its typos repaired, and the repairs."""
        if not self._words:
            return text, []
        repairs = [r for run in _single_character_runs(text) for r in self._repairs_in(text, run)]
        chars = list(text)
        for r in repairs:
            chars[r.start : r.start + len(r.meant)] = r.meant
        return "".join(chars), repairs

    def _repairs_in(self, text: str, run: Tuple[int, int]) -> Iterator[Repair]:
        start, end = run
        while start + SHORTEST <= end:
            word = self._word_at(text, start, end)
            if word and word != text[start : start + len(word)]:
                yield Repair(start, text[start : start + len(word)], word)
            start += len(word) if word else 1

    def _word_at(self, text: str, start: int, end: int) -> str | None:
        """The longest domain word sounding like the characters from `start`, spelt right or
        not (a word spelt right is skipped whole)."""
        for size in range(min(self._longest, end - start), SHORTEST - 1, -1):
            word = self._words.get(self._heard(text[start : start + size]) or "")
            if word:
                return word
        return None

    def _heard(self, said: str) -> str | None:
        readings = [self._readings.get(char) for char in said]
        return None if None in readings else " ".join(readings)


def _single_character_runs(text: str) -> Iterator[Tuple[int, int]]:
    """(start, end) of each run of two or more one-character words, as jieba cuts the text."""
    position, run_start = 0, None
    for token in jieba.lcut(text, HMM=False):
        if len(token) == 1 and "\u4e00" <= token <= "\u9fff":
            run_start = position if run_start is None else run_start
        else:
            if run_start is not None and position - run_start >= SHORTEST:
                yield run_start, position
            run_start = None
        position += len(token)
    if run_start is not None and position - run_start >= SHORTEST:
        yield run_start, position
