"""The whole pass on a generated tracker store: figures, CSV tables, caching, settings."""

from __future__ import annotations

import csv
import io

import pytest

from bot.insights.cache import InsightsCache
from bot.insights.events import open_engine, snapshot_key, tracker_db_url
from bot.insights.report import compute, hash_sender
from bot.insights.tables import TABLES, to_csv
from tests.insights.generate import ROLES, action, bot, generate, user, write_events


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("insights") / "tracker.db"
    generate(path, 3000, seed=3)
    return path


@pytest.fixture(scope="module")
def insights(store):
    return compute(open_engine(f"sqlite:///{store}"), salt="pepper", titles={"kefu-guanlishi": "T"})


def test_every_kind_of_gap_is_found_and_grouped(insights):
    assert insights.turns > 300 and 0 < insights.answered < insights.turns
    reasons = {q.reason for q in insights.questions}
    assert reasons == {"nlu_fallback", "out_of_scope", "not_covered", "clarification"}
    assert sum(c.count for c in insights.clusters) == len(insights.questions)
    labels = [c.label for c in insights.clusters]
    assert any("天气" in label for label in labels)


def test_nothing_about_the_user_but_a_keyed_hash(insights):
    senders = {q.sender for q in insights.questions}
    assert all(len(s) == 16 and "-" not in s for s in senders)
    assert hash_sender("wechat-1", "pepper") != hash_sender("wechat-1", "")


def test_usage_figures(insights):
    assert {d.channel for d in insights.channels} == {"rest", "wechat", "wecom"}
    assert len({d.day for d in insights.daily}) > 10
    assert all(0 < d.conversations <= d.messages for d in insights.channels)
    per_day = sum(d.messages for d in insights.daily)
    assert per_day == sum(d.messages for d in insights.channels) == insights.turns
    assert {r for r, _ in insights.roles} <= set(ROLES)
    assert insights.topics[0][:2] == ("ask_salary", "薪资")
    assert "greet" not in {t for t, _, _ in insights.topics}
    titles = {sid: title for sid, title, _ in insights.sources}
    assert titles["kefu-guanlishi"] == "T" and titles["kefu-zongjian-role"] == "kefu-zongjian-role"


def test_every_table_exports_as_csv(insights):
    for table in TABLES.values():
        data = to_csv(table, insights)
        assert data.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert tuple(rows[0]) == tuple(table.header)
        assert len(rows) == len(table.rows(insights)) + 1


def test_csv_cells_cannot_become_spreadsheet_formulas(tmp_path):
    path = tmp_path / "t.db"
    events = [("x", 1.0, user("=HYPERLINK(\"http://evil\")", "out_of_scope", 0.9, "rest")),
              ("x", 1.0, action("action_out_of_scope")),
              ("x", 1.0, bot("这个问题超出了我的范围。"))]  # fmt: skip
    write_events(f"sqlite:///{path}", iter(events))
    insights = compute(open_engine(f"sqlite:///{path}"), titles={})
    text = to_csv(TABLES["unanswered"], insights).decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_the_cache_recomputes_only_when_rasa_writes(tmp_path):
    path = tmp_path / "t.db"
    generate(path, 300)
    calls = []

    def counting(engine, salt=""):
        calls.append(1)
        return compute(engine, salt=salt, titles={})

    cache = InsightsCache(f"sqlite:///{path}", compute_fn=counting)
    first = cache.get()
    assert cache.get() is first and cache.get_nowait() == (first, True)
    assert len(calls) == 1
    write_events(
        f"sqlite:///{path}", iter([("new", 2e9, user("天气", "out_of_scope", 0.9, "rest"))])
    )
    assert snapshot_key(cache.engine) != first.key
    stale, fresh = cache.get_nowait()  # answers at once with the old figures ...
    assert stale is first and not fresh
    cache._refreshing.join(timeout=30)  # ... while the new ones are computed
    assert cache.get().turns == first.turns + 1 and len(calls) == 2


def test_the_store_url_comes_from_the_environment():
    assert tracker_db_url({}).endswith("var/tracker.db")
    assert tracker_db_url({"TRACKER_DB_URL": "sqlite:////x.db"}) == "sqlite:////x.db"
    url = tracker_db_url({"DATABASE_URL": "postgres://u:p@db/rasa"})
    assert url == "postgresql://u:p@db/rasa"


def test_a_missing_store_gives_empty_insights(tmp_path):
    insights = compute(open_engine(f"sqlite:///{tmp_path / 'none.db'}"))
    assert insights.turns == 0 and insights.clusters == []
    assert not (tmp_path / "none.db").exists()  # read-only: never created


def test_recomputation_is_throttled_while_events_keep_arriving(tmp_path):
    path = tmp_path / "t.db"
    generate(path, 300)
    cache = InsightsCache(f"sqlite:///{path}", min_interval_s=3600)
    first = cache.get()
    write_events(
        f"sqlite:///{path}", iter([("new", 2e9, user("天气", "out_of_scope", 0.9, "rest"))])
    )
    assert cache.get_nowait() == (first, False)
    assert cache._refreshing is None  # no recomputation within the interval
    assert cache.get().turns == first.turns + 1  # an explicit get still waits for fresh figures
