"""What each document contributed to a build, so maintainers can check it before retraining.

Per document: facts by topic, statements that disagree with another source
(salary ranges for the same role, city tier, experience band and period;
counted figures such as market size and growth rates), and the sections
under which nothing was extracted, which is where a new document's wording
escaped the extractors.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, Hashable, Iterable, List, Sequence, Set, Tuple

from bot.knowledge.models import PERIODS, Fact, Salary, Source
from bot.knowledge.structure import Block, split_blocks

# Typed facts whose values can be compared across sources: (topic, kind) -> attrs.
COMPARABLE: Dict[Tuple[str, str | None], Tuple[str, ...]] = {
    ("market_size", None): ("count",),
    ("outlook", "growth_rate"): ("low", "high"),
    ("outlook", "supply_demand_ratio"): ("ratio",),
}
# Qualifiers that do not make a range a different statement.
VAGUE = {"约"}


@dataclass(frozen=True)
class Conflict:
    """This document states `value`; `other_source` states `other_value` about the same thing."""

    topic: str
    role: str | None
    about: str
    value: str
    other_source: str
    other_value: str


@dataclass(frozen=True)
class Extracted:
    """One document's extraction result, as the build has it."""

    source: Source
    text: str
    facts: Sequence[Fact]
    salaries: Sequence[Salary]


@dataclass
class DocumentReport:
    source: Source
    facts_by_topic: Counter = field(default_factory=Counter)
    conflicts: List[Conflict] = field(default_factory=list)
    empty_sections: List[str] = field(default_factory=list)


def summarize(documents: Sequence[Extracted]) -> List[DocumentReport]:
    """One report per document, in the order given."""
    conflicts = find_conflicts(documents)
    reports = []
    for doc in documents:
        counts = Counter(f.topic for f in doc.facts)
        if doc.salaries:
            counts["salary"] += len(doc.salaries)
        reports.append(
            DocumentReport(
                doc.source,
                counts,
                conflicts.get(doc.source.id, []),
                empty_sections(doc.text, doc.source.title, doc.facts, doc.salaries),
            )
        )
    return reports


# -- conflicts -------------------------------------------------------------------


def _salary_key(s: Salary) -> Tuple[Tuple, str]:
    quals = tuple(q for q in s.qualifiers if q not in VAGUE)
    about = " · ".join(x for x in (s.tier, s.band, f"{PERIODS[s.period]}薪", *quals) if x)
    return ("salary", s.role, s.tier, s.band, s.period, quals), about


def _fact_key(f: Fact) -> Tuple[Tuple, str] | None:
    kind = f.attrs.get("kind")
    if (f.topic, kind) not in COMPARABLE:
        return None
    year = f.attrs.get("year")
    about = " · ".join(str(x) for x in (kind or f.topic, year) if x)
    return (f.topic, f.role, kind, year), about


def _statements(doc: Extracted) -> Iterable[Tuple[Tuple, str, Hashable, str]]:
    """(key, about, comparable value, value as shown) for everything comparable."""
    for s in doc.salaries:
        key, about = _salary_key(s)
        yield key, about, (s.low, s.high), s.amount()
    for f in doc.facts:
        keyed = _fact_key(f)
        if keyed is not None:
            names = COMPARABLE[(f.topic, f.attrs.get("kind"))]
            yield keyed[0], keyed[1], tuple(f.attrs.get(n) for n in names), f.value


def find_conflicts(documents: Sequence[Extracted]) -> Dict[str, List[Conflict]]:
    """source id -> what it states differently from another source.

    Two sources conflict on a key when each states a value the other does not
    state at all; a source that repeats the other's figure among its own agrees.
    """
    stated: Dict[Tuple, Dict[str, Dict[Hashable, str]]] = defaultdict(lambda: defaultdict(dict))
    abouts: Dict[Tuple, str] = {}
    for doc in documents:
        for key, about, value, shown in _statements(doc):
            stated[key][doc.source.id].setdefault(value, shown)
            abouts[key] = about
    out: Dict[str, List[Conflict]] = defaultdict(list)
    for key, by_source in stated.items():
        for mine, values in by_source.items():
            for other, theirs in by_source.items():
                if other == mine:
                    continue
                for value, shown in values.items():
                    for their_value, their_shown in theirs.items():
                        if value not in theirs and their_value not in values:
                            out[mine].append(
                                Conflict(key[0], key[1], abouts[key], shown, other, their_shown)
                            )
    return dict(out)


# -- sections without facts ----------------------------------------------------------


def empty_sections(
    text: str, title: str, facts: Sequence[Fact], salaries: Sequence[Salary]
) -> List[str]:
    """Outermost headings with text under them from which nothing was extracted."""
    blocks = split_blocks(text, title)
    starts = [b.start for b in blocks]
    productive: Set[int] = set()
    for item in [*facts, *salaries]:
        index = bisect.bisect_right(starts, item.provenance.start) - 1
        if index >= 0 and item.provenance.start < blocks[index].end:
            productive.add(index)
    found: List[str] = []
    skip_until = -1
    for i, block in enumerate(blocks):
        if block.kind != "heading" or i <= skip_until:
            continue
        end = _section_end(blocks, i)
        section = range(i, end)
        if _is_title(blocks, i) or productive.intersection(section):
            continue
        if any(blocks[j].kind != "heading" for j in section):
            found.append(_path(block))
            skip_until = end - 1
    return found


def _section_end(blocks: Sequence[Block], index: int) -> int:
    """Index after the last block under the heading at `index` (its subsections included)."""
    depth = len(blocks[index].headings)
    end = index + 1
    while end < len(blocks) and len(blocks[end].headings) > depth:
        end += 1
    return end


def _is_title(blocks: Sequence[Block], index: int) -> bool:
    depth = len(blocks[index].headings)
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    return (
        following is not None
        and len(following.headings) > depth
        and (following.headings[depth].level == 0)
    )


def _path(block: Block) -> str:
    names = [h.text for h in block.headings if h.level > 0] + [block.text]
    return " > ".join(n.lstrip("#").strip() for n in names)
