"""Money amounts as Chinese documents write them, parsed to whole yuan.

Handles "8000-12000元", "15万-25万元", "约4000-6000元", "1000左右",
"月薪5000-10000元之间", "4,000 - 7,000元" and "约为1万元". A number that
cannot be read is reported, never guessed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Iterator

log = logging.getLogger(__name__)

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULT = r"万|千|[kK]"
AMOUNT = re.compile(
    r"(?<![\d.,%])(?<!\d:)"
    rf"(?P<low>{_NUM})\s*(?P<lmult>{_MULT})?\s*(?:元)?"
    rf"(?:\s*(?:-|~|—|–|至|到)\s*(?P<high>{_NUM})\s*(?P<hmult>{_MULT})?)?"
    r"\s*(?P<unit>元|块)?"
    r"(?P<tail>左右|以上|之间|上下)?"
    # Not a money amount: years, percentages, people, heights, dates, times.
    r"(?![\d.,]|\s*(?:年|%|人(?!民)|米|个|岁|天|小时|月|日|号|万|千|:|-\d))"
)
_MULTIPLIER = {"万": 10000, "千": 1000, "k": 1000, "K": 1000, None: 1}


@dataclass(frozen=True)
class Amount:
    low: int
    high: int
    start: int
    end: int
    has_unit: bool
    approximate: bool
    open_ended: bool
    text: str  # the amount as the source writes it, e.g. "15万-25万元"


class AmountError(ValueError):
    pass


def _number(text: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise AmountError(f"unreadable number {text!r}") from None


def find_amounts(text: str) -> Iterator[Amount]:
    """Money-like amounts in a clause. Unparseable ones are logged and skipped."""
    for m in AMOUNT.finditer(text):
        try:
            yield _amount(m)
        except AmountError as err:
            log.warning("skipping amount in %r: %s", text, err)


def _amount(m: re.Match) -> Amount:
    hmult = m.group("hmult")
    lmult = m.group("lmult") or hmult  # "15-25万元": the 万 applies to both
    low = _number(m.group("low")) * _MULTIPLIER[lmult]
    high = _number(m.group("high")) * _MULTIPLIER[hmult] if m.group("high") else low
    if high < low:
        raise AmountError(f"range runs backwards: {m.group(0)!r}")
    tail = m.group("tail")
    return Amount(
        low=round(low),
        high=round(high),
        start=m.start(),
        end=m.end(),
        has_unit=bool(m.group("unit") or lmult or hmult),
        approximate=tail in ("左右", "上下"),
        open_ended=tail == "以上",
        text=m.group(0)[: len(m.group(0)) - len(tail or "")].strip(),
    )


def parse_amount(text: str) -> Amount | None:
    """The first amount in a text, or None."""
    return next(find_amounts(text), None)
