"""The homophone table behind typo repair: the domain's words by their toneless pinyin.

People type Chinese through pinyin input methods, so their typos are words spelt with the
wrong characters of the same sound: 岗位职则 for 岗位职责, 进升 for 晋升. The words worth
repairing are the ones the assistant reads: role names and the words that name a topic.

Built with pypinyin at knowledge-base build time; the NLU (bot.nlu.typos) reads only the
generated JSON, so the Rasa server never loads pypinyin's large phrase dictionary.
"""

from __future__ import annotations

import itertools
import re
from typing import Dict, List

import jieba
from pypinyin import Style, lazy_pinyin, pinyin

from bot.knowledge.lexicon import Lexicon

# Shorter words sound like too much else; longer ones are phrases, not typos of a word.
SHORTEST, LONGEST = 2, 6
_HAN = re.compile(r"[\u4e00-\u9fff]+")


def vocabulary(lexicon: Lexicon) -> List[str]:
    """Role names, and the topic words that are words to jieba: a phrase such as 管的事 has
    no typo of its own, and "管的是" is none."""
    topic_words = [
        *(w for ws in lexicon.topics.values() for w in ws),
        *(w for ws in lexicon.question_words.values() for w in ws),
    ]
    words = [*lexicon.alias_to_role, *(w for w in topic_words if _is_word(w))]
    fit = (w for w in words if _HAN.fullmatch(w) and SHORTEST <= len(w) <= LONGEST)
    return sorted(set(fit))


def _is_word(text: str) -> bool:
    jieba.initialize()  # the dictionary loads lazily; until then every word is unknown
    return bool(jieba.get_FREQ(text))


def _common_chars() -> List[str]:
    """GB2312's characters: the ones an input method offers, so the ones typos are made of."""
    found = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


def _word_readings(word: str) -> List[str]:
    """The word's toned reading; a neutral tone (性子 xing4 zi5) takes any, as its character
    said alone has a tone of its own."""
    syllables = lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True)
    options = [[s[:-1] + t for t in "12345"] if s.endswith("5") else [s] for s in syllables]
    return [" ".join(combination) for combination in itertools.product(*options)]


def homophone_table(lexicon: Lexicon) -> Dict[str, Dict[str, List[str]]]:
    """{"words": reading -> words, "readings": character -> its reading}, both with tones.

    A character keeps its everyday reading only: the rare ones (家 read gu) made "在家" a
    typo of "在雇". Tones count, so "入职时" (zhi2 shi2) is no typo of 知识 (zhi1 shi2).
    """
    words: Dict[str, List[str]] = {}
    for word in vocabulary(lexicon):
        for reading in _word_readings(word):
            words.setdefault(reading, []).append(word)
    syllables = {s for reading in words for s in reading.split()}
    readings: Dict[str, str] = {}
    for char in _common_chars():
        heard = pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)[0][0]
        if heard in syllables:
            readings[char] = heard
    return {"words": words, "readings": readings}
