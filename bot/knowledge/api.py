"""The read API every consumer uses: actions, tools, tests. No Rasa imports.

The store is small, so it is read once into memory and queried there; a
query is a few list scans. `KnowledgeBase.open()` re-reads the store when a
rebuild has replaced the file.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import cached_property
from pathlib import Path
from typing import Dict, List, Sequence

from bot.knowledge import paths
from bot.knowledge.lexicon import Lexicon
from bot.knowledge.match import FactIndex, TopicMatch
from bot.knowledge.models import Fact, Salary, Source
from bot.knowledge.store import StoreContents, read_store

TOPICS = (
    "overview",
    "duties",
    "daily_routine",
    "salary",
    "salary_factors",
    "certification",
    "outlook",
    "career_path",
    "skills",
    "traits",
    "holland",
    "education",
    "training",
    "industries",
    "employers",
    "cities",
    "benefits",
    "challenges",
    "role_names",
    "market_size",
    "platforms",
)


class KnowledgeBase:
    """Typed, source-grouped answers from the fact store."""

    def __init__(self, contents: StoreContents, lexicon: Lexicon | None = None):
        self._contents = contents
        self.lexicon = lexicon or Lexicon.load()
        self.lexicon.add_aliases(
            {f.value: f.role for f in contents.facts if f.topic == "role_names" and f.role}
        )
        self._sources: Dict[str, Source] = {s.id: s for s in contents.sources}

    @classmethod
    def open(cls, path: Path | None = None) -> KnowledgeBase:
        """Load the store; raises StoreError with a clear message if it is unusable."""
        return cls(read_store(path or paths.store_path()))

    # -- catalogue -------------------------------------------------------------

    def sources(self) -> List[Source]:
        return list(self._sources.values())

    def source(self, source_id: str) -> Source:
        return self._sources[source_id]

    def text(self, source_id: str) -> str:
        """The normalized text that every fact's span points into."""
        return self._contents.texts[source_id]

    def roles(self) -> List[str]:
        """Canonical roles the store has any fact about, in lexicon order."""
        known = {f.role for f in self._contents.facts} | {s.role for s in self._contents.salaries}
        return [role for role in self.lexicon.roles if role in known]

    def resolve_role(self, text: str) -> str | None:
        """Canonical role for any alias a user or document uses, or None."""
        return self.lexicon.resolve_role(text)

    # -- queries ---------------------------------------------------------------

    def salaries(
        self, role: str, tier: str | None = None, experience: str | None = None
    ) -> List[Salary]:
        """Salary ranges for a role, narrowed by tier and experience band.

        A range that does not state a tier (or band) is kept when one is asked
        for: the source does not contradict it, and the answer says so.
        """
        return [
            s
            for s in self._contents.salaries
            if s.role == role
            and (tier is None or s.tier in (None, tier))
            and (experience is None or s.band in (None, experience))
        ]

    def facts(self, role: str | None, topic: str) -> List[Fact]:
        """Facts on a topic for a role (or for any role when role is None).

        Career paths are returned whole wherever the role is one of their stages.
        """
        if topic not in TOPICS:
            raise ValueError(f"unknown topic {topic!r}; known: {', '.join(TOPICS)}")
        found = [f for f in self._contents.facts if f.topic == topic]
        if role is None:
            return found
        if topic == "career_path":
            paths_with_role = {
                (f.provenance.source_id, f.provenance.section)
                for f in found
                if f.role == role or role in f.attrs.get("path_roles", ())
            }
            return [
                f
                for f in found
                if (f.provenance.source_id, f.provenance.section) in paths_with_role
            ]
        return [f for f in found if f.role == role]

    def topics_matching(self, role: str, text: str) -> List[TopicMatch]:
        """The role's topics whose facts hold the most of a question's wording, best first."""
        return self._index.topics(role, text)

    def topics_mentioning(self, role: str, topics: Sequence[str]) -> List[str]:
        """The role's other topics with a fact that names one of `topics` in its own words.

        Where the store has no pay for 客户服务管理师, its overview lists "客服收入"; where it
        has no challenges for 客服主管, its outlook calls the job "充满机遇和挑战".
        """
        found: List[str] = []
        for f in self._contents.facts:
            if f.role != role or f.topic in topics or f.topic in found:
                continue
            if set(topics) & set(self.lexicon.topics_in(f.value)):
                found.append(f.topic)
        return [t for t in TOPICS if t in found]

    @cached_property
    def _index(self) -> FactIndex:
        words = {
            t: [*self.lexicon.topics.get(t, []), *self.lexicon.question_words.get(t, [])]
            for t in TOPICS
        }
        return FactIndex(self._contents.facts, words)

    def topics(self, role: str) -> List[str]:
        """Topics the store has facts on for a role."""
        have = {f.topic for f in self._contents.facts if f.role == role}
        if any(s.role == role for s in self._contents.salaries):
            have.add("salary")
        return [t for t in TOPICS if t in have]

    @staticmethod
    def by_source(items: Sequence) -> OrderedDict[str, list]:
        """Group facts or salaries by source id, keeping their order."""
        grouped: OrderedDict[str, list] = OrderedDict()
        for item in items:
            grouped.setdefault(item.provenance.source_id, []).append(item)
        return grouped

    def stats(self) -> Dict[str, Dict[str, int]]:
        """topic -> source id -> count."""
        table: Dict[str, Dict[str, int]] = {}
        for f in self._contents.facts:
            row = table.setdefault(f.topic, {})
            row[f.provenance.source_id] = row.get(f.provenance.source_id, 0) + 1
        for s in self._contents.salaries:
            row = table.setdefault("salary", {})
            row[s.provenance.source_id] = row.get(s.provenance.source_id, 0) + 1
        return table
