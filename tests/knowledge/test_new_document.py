"""An HR maintainer drops a new article into the sources: its facts become answerable."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.knowledge.sources import SOURCES_DIR
from tests.conftest import build_into

NEW_ARTICLE = """# 客服经理岗位速览

## 薪酬参考

| 城市级别 | 经验 | 月薪 |
| --- | --- | --- |
| 一线城市 | 3-5年 | 16000-24000元 |
| 二线城市 | 3-5年 | 11000-16000元 |
| 三线及以下城市 | 3-5年 | 8,500 - 12,000元 |

## 岗位职责

- 搭建工单流转机制:让每张工单都有明确的负责人
- 复盘每周满意度报表
- 给新人排班并安排带教

## 证书

持有客户服务管理师二级证书者优先。
"""


def test_new_markdown_article_round_trip(tmp_path: Path):
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES_DIR, sources)
    (sources / "manager-quick-guide.md").write_text(NEW_ARTICLE, encoding="utf-8")

    built = build_into(tmp_path / "out", sources)

    assert not built.report.errors
    source = next(s for s in built.kb.sources() if s.path == "manager-quick-guide.md")
    assert source.title == "客服经理岗位速览"  # no manifest entry: first line
    mine = [s for s in built.kb.salaries("客服经理") if s.provenance.source_id == source.id]
    assert {(s.tier, s.band, s.low, s.high) for s in mine} == {
        ("一线", "中级", 16000, 24000),
        ("二线", "中级", 11000, 16000),
        ("三线及以下", "中级", 8500, 12000),
    }
    assert {s.period for s in mine} == {"month"}
    duties = {
        f.value for f in built.kb.facts("客服经理", "duties") if f.provenance.source_id == source.id
    }
    assert duties == {"搭建工单流转机制", "复盘每周满意度报表", "给新人排班并安排带教"}
    # the seeds still build alongside it
    assert len(built.kb.sources()) == 6
