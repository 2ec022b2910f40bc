"""Salary ranges with role, period, city tier, experience band and qualifiers."""

from __future__ import annotations

import re
from typing import Iterable, Tuple

from bot.knowledge.amounts import find_amounts
from bot.knowledge.extract.context import DocContext, clauses
from bot.knowledge.models import Salary
from bot.knowledge.structure import Block, sentences, strip_marker

SALARY_WORDS = re.compile(r"薪|工资|收入|待遇|报酬")
MONTHLY = re.compile(r"月薪|每月|/月|月收入|月均|月工资")
ANNUAL = re.compile(r"年薪|每年|/年|年收入")
# "由6000元涨到1万元" describes one person's raise, not a range.
CHANGE = re.compile(r"涨到|涨至|升至|升到|提高到|提升到|增加到|由\s*\d")
YEAR = re.compile(r"(20\d\d)年")
# A figure followed by 元 that the amount grammar could not read.
UNREAD = re.compile(r"[\d,.]+\s*[-~]*\s*元")
# Above this a figure with no stated period is read as annual.
MONTHLY_CEILING = 200_000
MIN_SALARY = 100

QUALIFIERS = (
    ("试用期", re.compile(r"试用期")),
    ("转正后", re.compile(r"转正")),
    ("税后", re.compile(r"税后")),
    ("税前", re.compile(r"税前")),
    ("平均", re.compile(r"平均")),
    ("约", re.compile(r"约|大约|左右|上下|大概")),
    ("可达", re.compile(r"可达|最高")),
    ("起", re.compile(r"以上|起")),
)


def _period(*texts: str) -> str | None:
    for text in texts:
        if MONTHLY.search(text):
            return "month"
        if ANNUAL.search(text):
            return "year"
    return None


def _from_headings(block: Block, find) -> Tuple[str | None, str | None]:
    """A value found in the deepest heading that has one, and that heading's label."""
    for heading in reversed(block.headings):
        if heading.level == 0:
            break
        value = find(heading.text)
        if value:
            return value, strip_marker(heading.text)
    return None, None


def _label(clause: str, amount_start: int) -> str | None:
    """The clause's own label, e.g. "初级职位" in "初级职位:年薪约为……"."""
    head = clause[:amount_start]
    if ":" in head:
        label = strip_marker(head.split(":", 1)[0])
        return label or None
    return None


def extract_salaries(ctx: DocContext, blocks: Iterable[Block]) -> None:
    for block in blocks:
        if block.kind == "heading":
            continue
        context_says_salary = any(SALARY_WORDS.search(h.text) for h in block.headings)
        heading_text = " ".join(h.text for h in block.headings if h.level > 0)
        for s_off, sentence in sentences(block.text):
            if not (context_says_salary or SALARY_WORDS.search(sentence)):
                continue
            period = _period(sentence, heading_text)
            year_m = YEAR.search(sentence)
            roles = ctx.roles_for(block, sentence, generic_counts=True)
            for c_off, clause in clauses(sentence):
                if CHANGE.search(clause):
                    continue
                roles = ctx.specific_roles(clause) or roles
                amounts = list(find_amounts(clause))
                if not amounts and UNREAD.search(clause):
                    ctx.warnings.append(
                        f"{ctx.source.path}: could not read the amount in {clause!r}"
                    )
                for amount in amounts:
                    if amount.high < MIN_SALARY or not (
                        amount.has_unit or SALARY_WORDS.search(clause) or context_says_salary
                    ):
                        continue
                    _add(ctx, block, s_off + c_off, clause, amount, roles, period, year_m)


def _add(ctx, block, offset, clause, amount, roles, period, year_m) -> None:
    lex = ctx.lexicon
    tier = lex.find_tier(clause) or _from_headings(block, lex.find_tier)[0]
    label = _label(clause, amount.start)
    if label and lex.find_tier(label):
        label = None  # "一线城市:8000-12000元" is labelled by its tier, not a level
    band = lex.find_band(clause, levels=False) or (lex.find_band(label) if label else None)
    if band is None:
        band, heading_label = _from_headings(block, lex.find_band)
        label = label or heading_label
    if label is None:
        label = _from_headings(block, lex.roles_in_label)[1]
    qualifiers = tuple(
        name for name, pattern in QUALIFIERS if pattern.search(clause[: amount.end + 2])
    )
    if amount.approximate and "约" not in qualifiers:
        qualifiers += ("约",)
    stated = period or _period(clause)
    inferred = "month" if amount.high <= MONTHLY_CEILING else "year"
    provenance = ctx.provenance(block, offset, clause)
    for role in roles:
        ctx.add_salary(
            Salary(
                role=role,
                low=amount.low,
                stated=amount.text,
                high=amount.high,
                period=stated or inferred,
                period_stated=stated is not None,
                tier=tier,
                band=band,
                label=label,
                qualifiers=qualifiers,
                year=int(year_m.group(1)) if year_m else None,
                provenance=provenance,
            )
        )
