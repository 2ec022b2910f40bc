"""One-line plain renderings of facts, for the maintainers' CLI."""

from __future__ import annotations

from bot.knowledge.models import Fact, Salary


def format_salary(s: Salary) -> str:
    where = " ".join(x for x in (s.tier and f"{s.tier}城市", s.band, s.label) if x)
    quals = f" [{'、'.join(s.qualifiers)}]" if s.qualifiers else ""
    inferred = "" if s.period_stated else "(按月推断)"
    return f"{where or '不分城市/经验'}: {s.amount()}{inferred}{quals}  «{s.provenance.quote}»"


def format_fact(f: Fact) -> str:
    extra = {k: v for k, v in f.attrs.items() if k not in ("order", "path_roles")}
    detail = f" — {f.detail}" if f.detail and f.detail != f.value else ""
    return f"{f.value}{detail}" + (f"  {extra}" if extra else "")
