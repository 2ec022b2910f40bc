"""The HR console's HTML: server-rendered tables, chart data in a data-* attribute.

Every piece of user text goes through html.escape (the questions are untrusted), and
there is no inline script or style: admin.js draws the charts from the JSON in
data-charts, and bars in tables are <meter> elements.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any, Dict, Iterable, List, Sequence, Tuple

from bot.insights.report import Insights, local_time, reason_name

PAGE_SIZE = 20
CHANNEL_NAMES = {"rest": "网页 (rest)", "wechat": "微信公众号", "wecom": "企业微信"}
HEAD = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title} · 客服职业助手</title>
<link rel="stylesheet" href="/static/admin.css">
</head>
"""


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def login_page(error: str = "") -> str:
    message = f'<p class="error" role="alert">{e(error)}</p>' if error else ""
    return (
        HEAD.format(title="HR 控制台登录")
        + f"""<body class="login">
<main>
<h1>客服职业助手 · HR 控制台</h1>
<form method="post" action="/admin/login">
<label for="token">访问令牌 (ADMIN_TOKEN)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">登录</button>
{message}
</form>
</main>
</body>
</html>
"""
    )


def _export(name: str) -> str:
    return f'<a class="export" href="/admin/export/{e(name)}.csv" download>导出 {e(name)}.csv</a>'


def _section(title: str, body: str, exports: Sequence[str]) -> str:
    links = " ".join(_export(n) for n in exports)
    head = f'<header><h2>{e(title)}</h2><p class="exports">{links}</p></header>'
    return f"<section>{head}\n{body}</section>\n"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], empty: str, css: str = "") -> str:
    """Cells are pre-escaped HTML."""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rows)
    if not body:
        return f'<p class="empty">{e(empty)}</p>'
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in header)
    css = f' class="{css}"' if css else ""
    return f"<table{css}><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>"


def _bar(value: int, top: int) -> str:
    return f'{value}<meter min="0" max="{max(top, 1)}" value="{value}"></meter>'


def _clusters(insights: Insights, page: int) -> str:
    start = (page - 1) * PAGE_SIZE
    shown = insights.clusters[start : start + PAGE_SIZE]
    top = insights.clusters[0].count if insights.clusters else 1
    rows = [
        (
            str(c.id),
            _bar(c.count, top),
            f'<strong lang="zh">{e(c.label)}</strong>',
            _examples(c.examples),
            "<br>".join(f"{e(reason_name(r))} <small>×{n}</small>" for r, n in c.reasons.items()),
            "<br>".join(e(i) for i in c.intents),
            e(local_time(c.last_seen, insights.utc_offset_hours)),
        )
        for c in shown
    ]
    table = _table(
        ("#", "次数", "代表问题", "例子", "原因", "预测意图", "最近一次"),
        rows,
        "暂无未回答的问题。",
        css="clusters",
    )
    return table + _pager(page, len(insights.clusters))


def _examples(examples: Sequence[Tuple[str, int]]) -> str:
    items = "".join(f"<li>{e(text)} <small>×{n}</small></li>" for text, n in examples)
    return f'<ul class="examples">{items}</ul>'


def _pager(page: int, total: int) -> str:
    pages = max(1, -(-total // PAGE_SIZE))
    if pages == 1:
        return ""
    prev = f'<a href="/admin?page={page - 1}">上一页</a>' if page > 1 else "<span>上一页</span>"
    nxt = f'<a href="/admin?page={page + 1}">下一页</a>' if page < pages else "<span>下一页</span>"
    where = f"<span>第 {page} / {pages} 页</span>"
    return f'<nav class="pager" aria-label="分页">{prev}{where}{nxt}</nav>'


def _counts(rows: List[Sequence[Any]], header: Sequence[str], empty: str) -> str:
    top = max((int(r[-1]) for r in rows), default=1)
    cells = [(*(e(v) for v in r[:-1]), _bar(int(r[-1]), top)) for r in rows[:PAGE_SIZE]]
    return _table(header, cells, empty)


def chart_data(insights: Insights) -> Dict[str, Any]:
    days = sorted({d.day for d in insights.daily})
    channels = [c.channel for c in insights.channels]
    per = {(d.day, d.channel): d.conversations for d in insights.daily}
    return {
        "days": days,
        "daily": [
            {
                "channel": ch,
                "label": CHANNEL_NAMES.get(ch, ch),
                "values": [per.get((day, ch), 0) for day in days],
            }
            for ch in channels
        ],
        "channels": [
            {
                "channel": c.channel,
                "label": CHANNEL_NAMES.get(c.channel, c.channel),
                "conversations": c.conversations,
                "messages": c.messages,
            }
            for c in insights.channels
        ],
    }


def dashboard(insights: Insights, page: int, fresh: bool) -> str:
    unanswered = len(insights.questions)
    stale = "" if fresh else '<span class="stale">(有新对话,正在后台更新,刷新可见)</span>'
    summary = (
        f"数据截至 {e(local_time(insights.computed_at, insights.utc_offset_hours))} {stale}· "
        f"{insights.turns} 轮提问 · 已回答 {insights.answered} · 未回答 {unanswered} "
        f"({len(insights.clusters)} 组)"
    )
    charts = json.dumps(chart_data(insights), ensure_ascii=False)
    roles = _counts(list(insights.roles), ("岗位", "提问次数"), "暂无岗位提问。")
    topics = _counts(
        [(name, intent, n) for intent, name, n in insights.topics],
        ("主题", "意图", "提问次数"),
        "暂无提问。",
    )
    sources = _counts(list(insights.sources), ("文档", "标题", "回答次数"), "暂无引用。")
    return (
        HEAD.format(title="HR 控制台")
        + f"""<body>
<header class="top">
<h1>客服职业助手 · HR 控制台</h1>
<form method="post" action="/admin/logout"><button type="submit">退出</button></form>
<p class="summary">{summary}</p>
</header>
<main>
{_section("会话趋势", _charts(charts), ("daily", "channels"))}
{_section("未回答的问题 · 按相似度分组", _clusters(insights, page), ("clusters", "unanswered"))}
<div class="pair">
{_section("最常问的岗位", roles, ("roles",))}
{_section("最常问的主题", topics, ("topics",))}
</div>
{_section("各来源文档的回答次数", sources, ("sources",))}
</main>
<script src="/static/vendor/chart.umd.min.js"></script>
<script src="/static/admin.js"></script>
</body>
</html>
"""
    )


def _figure(canvas_id: str, caption: str, label: str, size: str = "") -> str:
    canvas = f'<canvas id="{canvas_id}" role="img" aria-label="{label}"></canvas>'
    chart = f'<div class="chart{size}">{canvas}</div>'
    return f"<figure><figcaption>{caption}</figcaption>{chart}</figure>"


def _charts(charts_json: str) -> str:
    daily = _figure("chart-daily", "每日会话数(按渠道)", "每日会话数柱状图")
    channels = _figure("chart-channels", "各渠道会话数", "各渠道会话数环形图", " small")
    data = f'data-charts="{e(charts_json)}"'
    return f'<div id="admin-data" class="charts" {data}>{daily}{channels}</div>'
