"""One-line plain renderings of facts, for the maintainers' CLI."""

from __future__ import annotations

from bot.knowledge.models import Fact, Salary

PERIOD = {"month": "月", "year": "年"}


def format_amount(s: Salary) -> str:
    """ "8000-12000元/月" or "15万-25万元/年": the amount as the source states it."""
    stated = s.stated if s.stated.endswith(("元", "万")) else f"{s.stated}{s.unit}"
    return f"{stated}/{PERIOD[s.period]}" + ("" if s.period_stated else "(按月推断)")


def format_salary(s: Salary) -> str:
    where = " ".join(x for x in (s.tier and f"{s.tier}城市", s.band, s.label) if x)
    quals = f" [{'、'.join(s.qualifiers)}]" if s.qualifiers else ""
    return f"{where or '不分城市/经验'}: {format_amount(s)}{quals}  «{s.provenance.quote}»"


def format_fact(f: Fact) -> str:
    extra = {k: v for k, v in f.attrs.items() if k not in ("order", "path_roles")}
    detail = f" — {f.detail}" if f.detail and f.detail != f.value else ""
    return f"{f.value}{detail}" + (f"  {extra}" if extra else "")
