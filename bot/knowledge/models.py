"""Typed facts with provenance: the unit every answer is built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Tuple


@dataclass(frozen=True)
class Provenance:
    """Where a fact was read: the exact quote and its span in the normalized text."""

    source_id: str
    section: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class Fact:
    """One statement from one source about one role and topic.

    `value` is the short answer (a skill, a certificate, a stage); `detail` is
    the explanation the document gives for it, if any. Topic-specific typed
    values (levels, rates, years) live in `attrs`.
    """

    topic: str
    role: str | None
    value: str
    provenance: Provenance
    detail: str | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)


PERIODS = {"month": "月", "year": "年"}


@dataclass(frozen=True)
class Salary:
    """A salary range as one source states it, never averaged or merged."""

    role: str
    low: int
    high: int
    period: str  # "month" | "year"
    provenance: Provenance
    stated: str = ""  # the amount as written, e.g. "15万-25万元"
    unit: str = "元"
    period_stated: bool = True
    tier: str | None = None
    band: str | None = None
    label: str | None = None
    qualifiers: Tuple[str, ...] = ()
    year: int | None = None

    def amount(self) -> str:
        """ "8000-12000元/月", "15万-25万元/年": the figure as written, with its period."""
        stated = self.stated if self.stated.endswith("元") else f"{self.stated}{self.unit}"
        return f"{stated}/{PERIODS[self.period]}"


@dataclass(frozen=True)
class Source:
    """A document in the knowledge base, as answers cite it."""

    id: str
    title: str
    path: str
    script: str  # "simplified" | "traditional"
    publisher: str | None = None
    date: str | None = None
