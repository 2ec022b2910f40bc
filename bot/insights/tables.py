"""The console's tables as header + rows, and their CSV form for Excel and scripts.

The CSV starts with a UTF-8 BOM so Excel shows Chinese correctly, and cells that a
spreadsheet would run as a formula (=, +, -, @ first) are prefixed with an apostrophe:
the questions are untrusted user text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Callable, Dict, List, Sequence

from bot.insights.report import Insights, local_time, reason_name

Row = Sequence[object]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    header: Sequence[str]
    rows: Callable[[Insights], List[Row]]


def _questions(i: Insights) -> List[Row]:
    return [
        (
            q.cluster,
            local_time(q.timestamp, i.utc_offset_hours),
            q.channel,
            reason_name(q.reason),
            q.alternative if q.intent == "nlu_fallback" and q.alternative else q.intent,
            "" if q.confidence is None else f"{q.confidence:.2f}",
            q.text,
            q.sender,
        )
        for q in i.questions
    ]


def _clusters(i: Insights) -> List[Row]:
    return [
        (
            c.id,
            c.count,
            c.label,
            " | ".join(f"{text} ×{n}" for text, n in c.examples),
            "、".join(reason_name(r) for r in c.reasons),
            "、".join(c.intents),
            local_time(c.last_seen, i.utc_offset_hours),
        )
        for c in i.clusters
    ]


TABLES: Dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "unanswered",
            "未回答的问题",
            ("分组", "时间", "渠道", "原因", "预测意图", "置信度", "问题", "用户(哈希)"),
            _questions,
        ),
        Table(
            "clusters",
            "未回答问题分组",
            ("分组", "次数", "代表问题", "例子", "原因", "预测意图", "最近一次"),
            _clusters,
        ),
        Table("roles", "最常问的岗位", ("岗位", "提问次数"), lambda i: list(i.roles)),
        Table("topics", "最常问的主题", ("意图", "主题", "提问次数"), lambda i: list(i.topics)),
        Table(
            "daily",
            "每日会话(按渠道)",
            ("日期", "渠道", "会话数", "消息数"),
            lambda i: [(d.day, d.channel, d.conversations, d.messages) for d in i.daily],
        ),
        Table(
            "channels",
            "各渠道会话",
            ("渠道", "会话数", "消息数"),
            lambda i: [(d.channel, d.conversations, d.messages) for d in i.channels],
        ),
        Table(
            "sources",
            "各来源文档的回答次数",
            ("文档", "标题", "回答次数"),
            lambda i: list(i.sources),
        ),
    )
}


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(table: Table, insights: Insights) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows([_cell(v) for v in row] for row in table.rows(insights))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
