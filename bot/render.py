"""Chinese answer templates: facts in, text and structured payload out.

Numbers are shown as the sources state them, each source's figures stay
together under its citation, and disagreement is said, never averaged away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence

from bot.knowledge import KnowledgeBase, Salary

PERIOD = {"month": "月", "year": "年"}
NOT_AVAILABLE = "抱歉,知识库暂时无法查询,请稍后再试。"


@dataclass
class Answer:
    text: str
    payload: Dict[str, Any] | None = None
    buttons: List[Dict[str, str]] = field(default_factory=list)


def amount(s: Salary) -> str:
    """ "8000-12000元/月", "15万-25万元/年": the figure as written, with its period."""
    stated = s.stated if s.stated.endswith(("元", "万")) else f"{s.stated}{s.unit}"
    if stated.endswith("万"):
        stated += s.unit
    return f"{stated}/{PERIOD[s.period]}"


def _salary_line(s: Salary) -> str:
    where = "、".join(x for x in (s.tier and f"{s.tier}城市", s.label or s.band) if x)
    quals = [q for q in s.qualifiers if q not in ("约", "起", "可达")]
    prefix = "约" if "约" in s.qualifiers else ("可达" if "可达" in s.qualifiers else "")
    suffix = "以上" if "起" in s.qualifiers else ""
    note = f"({'、'.join(quals)})" if quals else ""
    return f"{where or '未区分城市和经验'}:{prefix}{amount(s)}{suffix}{note}"


def citation(kb: KnowledgeBase, source_id: str) -> str:
    return f"来源:《{kb.source(source_id).title}》"


def salary_payload(kb: KnowledgeBase, role: str, salaries: Sequence[Salary]) -> Dict[str, Any]:
    """Structured ranges for the widget's chart; one entry per stated range."""
    return {
        "type": "salary_ranges",
        "role": role,
        "ranges": [
            {
                "low": s.low,
                "high": s.high,
                "period": s.period,
                "tier": s.tier,
                "band": s.band,
                "label": s.label,
                "qualifiers": list(s.qualifiers),
                "source_id": s.provenance.source_id,
                "source_title": kb.source(s.provenance.source_id).title,
                "quote": s.provenance.quote,
            }
            for s in salaries
        ],
    }


def salary_answer(
    kb: KnowledgeBase, role: str, tier: str | None = None, band: str | None = None
) -> Answer:
    """Every source's ranges for the role, grouped and cited; "not covered" if none."""
    salaries = kb.salaries(role, tier=tier, experience=band)
    scope = "".join(x for x in (tier and f"{tier}城市", band and f"{band}", role) if x)
    if not salaries:
        covered = "、".join(r for r in kb.roles() if kb.salaries(r))
        return Answer(f"知识库中没有{scope}的薪资信息。目前有薪资数据的岗位:{covered}。")
    groups = kb.by_source(salaries)
    lines = [f"{scope}的薪资:"]
    for source_id, items in groups.items():
        lines.extend(f"· {_salary_line(s)}" for s in items)
        lines.append(f"  ——{citation(kb, source_id)}")
    if len(groups) > 1:
        lines.append(f"注:{len(groups)}个来源的口径不同,数字不一致,以上分别列出,未做合并。")
    return Answer("\n".join(lines), salary_payload(kb, role, salaries))
