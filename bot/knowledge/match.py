"""Which of a role's facts a question's own words point to.

The intent classifier knows what kind of question a message is; it does not know what the
documents say. A question it cannot place ("客户服务管理师要不要搭建整个客户服务管理体系?")
often repeats the words of the one fact that answers it ("客户服务管理体系的策划、组建和实施
监督"). This scores each fact of a role by how much of the question's informative wording it
contains: character bigrams (no segmenter needed, so Traditional or typos cost little), each
weighted by how rare it is among all facts, so 客服 or 工作 count for little and 体系 or 投诉
for much. A fact's wording is its value, its explanation, the heading it sits under and the
words that name its topic (职责, 证书...), so a question naming the topic finds it too. Long
facts hold more words by chance and are discounted a little, as BM25 does.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Mapping, Sequence

from bot.knowledge.models import Fact
from bot.text import normalize_text

_WORDS = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+")
# How much a fact's length (relative to the average) discounts its share: BM25's idea, mildly.
LENGTH_DISCOUNT = 0.3


def bigrams(text: str) -> FrozenSet[str]:
    """Han character bigrams (a lone character counts alone) and Latin words, lower-cased."""
    found = set()
    for run in _WORDS.findall(normalize_text(text)):
        if run.isascii():
            found.add(run.lower())
        elif len(run) == 1:
            found.add(run)
        else:
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(found)


@dataclass(frozen=True)
class TopicMatch:
    """A topic of the role, by its best-matching fact."""

    topic: str
    score: float  # the share of the question's weight that fact contains, discounted by length
    fact: Fact


class FactIndex:
    """Every fact's wording as bigrams, with each bigram's rarity across all facts."""

    def __init__(self, facts: Sequence[Fact], topic_words: Mapping[str, Sequence[str]]):
        self._facts = list(facts)
        self._grams = [
            bigrams(
                " ".join(
                    [f.value, f.detail or "", f.provenance.section, *topic_words.get(f.topic, ())]
                )
            )
            for f in self._facts
        ]
        counts = Counter(g for grams in self._grams for g in grams)
        self._weight: Dict[str, float] = {
            g: math.log(len(self._facts) / n) for g, n in counts.items()
        }
        average = sum(map(len, self._grams)) / max(len(self._grams), 1)
        self._discount = [1 + LENGTH_DISCOUNT * math.log(1 + len(g) / average) for g in self._grams]

    def topics(self, role: str, text: str) -> List[TopicMatch]:
        """The role's topics, best first, each by the fact that holds most of the question.

        Words no fact uses say nothing about which fact is meant and are left out; a question
        with none of the facts' words matches nothing.
        """
        asked = {g for g in bigrams(text) if self._weight.get(g)}
        total = sum(self._weight[g] for g in asked)
        if not total:
            return []
        best: Dict[str, TopicMatch] = {}
        for fact, grams, discount in zip(self._facts, self._grams, self._discount, strict=True):
            if fact.role != role:
                continue
            score = sum(self._weight[g] for g in asked & grams) / total / discount
            if score > 0 and score > getattr(best.get(fact.topic), "score", 0):
                best[fact.topic] = TopicMatch(fact.topic, score, fact)
        return sorted(best.values(), key=lambda m: -m.score)


def lead(found: Sequence[TopicMatch]) -> float:
    """How far the best topic is ahead of the next one that rests on other evidence.

    A sentence filed under two topics (客服主管's overview sentence that also states its duties)
    is one piece of evidence, not a tie between them.
    """
    if not found:
        return 0.0
    best = found[0]
    evidence = (best.fact.provenance.source_id, best.fact.provenance.quote)
    others = [
        m.score
        for m in found[1:]
        if (m.fact.provenance.source_id, m.fact.provenance.quote) != evidence
    ]
    return best.score - (others[0] if others else 0.0)
