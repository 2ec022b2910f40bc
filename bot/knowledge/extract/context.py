"""What a block is about: its document, role, topic and the facts collected so far."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Tuple

from bot.knowledge.lexicon import Lexicon
from bot.knowledge.models import Fact, Provenance, Salary, Source
from bot.knowledge.structure import Block, strip_marker

# Commas and semicolons end a clause, except a comma grouping thousands ("8,500").
CLAUSE_SPLIT = re.compile(r"[;\uff1b\uff0c]|,(?!\d{3}(?!\d))")
QUOTED_SPAN = re.compile(r"“[^”]*”|《[^》]*》|\"[^\"]*\"")


@dataclass
class DocContext:
    """One document being extracted, and the facts found in it so far."""

    source: Source
    text: str
    lexicon: Lexicon
    main_role: str | None
    facts: List[Fact] = field(default_factory=list)
    salaries: List[Salary] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)
    _fact_keys: Dict[Tuple, int] = field(default_factory=dict)
    _salary_keys: Dict[Tuple, int] = field(default_factory=dict)

    # -- provenance ----------------------------------------------------------

    def provenance(self, block: Block, offset: int, quote: str) -> Provenance:
        start = block.start + offset
        if self.text[start : start + len(quote)] != quote:
            raise ValueError(f"quote {quote!r} is not at {start} in {self.source.id}")
        return Provenance(self.source.id, block.section, quote, start, start + len(quote))

    # -- roles -----------------------------------------------------------------

    def specific_roles(self, text: str) -> List[str]:
        """Roles named in a text, ignoring the bare generic word "客服"."""
        roles: List[str] = []
        for role, alias, _ in self.lexicon.find_roles(text):
            if alias != self.lexicon.role_prefix and role not in roles:
                roles.append(role)
        return roles

    def heading_roles(self, block: Block) -> List[str]:
        """Roles named by the deepest heading that names any (the title excluded)."""
        for heading in reversed(block.headings):
            if heading.level == 0:
                break
            roles = (
                self.lexicon.roles_in_label(strip_marker(heading.text)) if heading.numbered else []
            )
            roles = roles or self.specific_roles(heading.text)
            if roles:
                return roles
        return []

    def roles_for(
        self, block: Block, text: str, generic_counts: bool = False, unquoted: bool = False
    ) -> List[str]:
        """The roles a statement is about: named in it, else by its heading, else the document's.

        `generic_counts` lets the bare "客服" name the frontline role, which is
        how salary statements such as "客服收入:……" use it. `unquoted` ignores
        names in quotes and 《》, which are usually objects (a certificate
        called “客户服务管理师”), not the subject.
        """
        if unquoted:
            text = QUOTED_SPAN.sub("", text)
        roles = self.specific_roles(text)
        if not roles and generic_counts and self.lexicon.role_prefix in text:
            roles = [self.lexicon.alias_to_role[self.lexicon.role_prefix]]
        roles = roles or self.heading_roles(block)
        if not roles and self.main_role:
            roles = [self.main_role]
        return roles

    # -- topics ----------------------------------------------------------------

    def section_topic(self, block: Block, skip: Iterable[str] = ()) -> str | None:
        """The topic of the deepest heading above a block that names one.

        A heading whose topic is in `skip` passes the question to its parent:
        a list under "薪资差异因素 > 薪资水平的差异……" is about salary factors.
        """
        for heading in reversed(block.headings):
            if heading.level == 0:
                break  # a title names the document's subject, not a section's
            topics = self.lexicon.topics_in(heading.text)
            if topics and topics[0] not in skip:
                return topics[0]
        return None

    # -- collecting ------------------------------------------------------------

    def add_fact(self, fact: Fact) -> None:
        """Store a fact once per source, role, topic and value."""
        key = (fact.topic, fact.role, fact.value)
        if key in self._fact_keys:
            return
        self._fact_keys[key] = len(self.facts)
        self.facts.append(fact)

    def add_salary(self, salary: Salary) -> None:
        """Store a range once; a restatement that states its period replaces one that did not."""
        key = (salary.role, salary.low, salary.high, salary.tier, salary.band)
        if key in self._salary_keys:
            index = self._salary_keys[key]
            if salary.period_stated and not self.salaries[index].period_stated:
                self.salaries[index] = salary
            return
        self._salary_keys[key] = len(self.salaries)
        self.salaries.append(salary)


def clauses(sentence: str) -> List[Tuple[int, str]]:
    """(offset, clause) pairs split at commas and semicolons."""
    out: List[Tuple[int, str]] = []
    pos = 0
    for part in CLAUSE_SPLIT.split(sentence):
        if part.strip():
            lead = len(part) - len(part.lstrip())
            out.append((pos + lead, part.strip()))
        pos += len(part) + 1
    return out
