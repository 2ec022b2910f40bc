"""Our reading of the events table against rows written by Rasa's own SQLTrackerStore."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.insights.events import EVENTS, open_engine
from bot.insights.report import compute
from scripts import services
from scripts.stack import ROOT


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory):
    """The same events written by Rasa into SQLite (default) and into a real PostgreSQL."""
    workdir = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        yield f"sqlite:///{workdir / 'tracker.db'}"
        return
    if services.missing_binaries():
        pytest.skip(f"needs {services.missing_binaries()} (make services)")
    # A directory of its own under /tmp: PostgreSQL runs as `postgres`, which cannot
    # traverse pytest's root-only temp tree.
    with tempfile.TemporaryDirectory() as pg, services.postgres_server(Path(pg)) as url:
        yield url


def utter(text, intent, channel, entities=()):
    parse = {"intent": {"name": intent, "confidence": 0.4}, "entities": list(entities)}
    return UserUttered(text, parse["intent"], parse["entities"], parse, input_channel=channel)


async def test_events_saved_by_rasa_are_read_as_turns(store_url):
    domain = Domain.load(ROOT / "domain.yml")
    if store_url.startswith("sqlite"):
        store = SQLTrackerStore(domain, dialect="sqlite", db=store_url[len("sqlite:///") :])
    else:
        store = SQLTrackerStore(domain, dialect="postgresql", host=store_url)
    role = {"entity": "role", "value": "客服主管", "start": 0, "end": 4}
    events = [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        utter("程序员工资多少", "ask_salary", "wechat"),
        ActionExecuted("action_answer"),
        BotUttered("抱歉,知识库只覆盖客服类岗位,没有关于程序员的资料。"),
        ActionExecuted("action_listen"),
        utter("客服主管工资多少", "ask_salary", "wechat", [role]),
        ActionExecuted("action_answer"),
        BotUttered("客服主管的薪资:……"),
        BotUttered(None, {"custom": {"type": "salary_ranges", "sources": []}}),
        SlotSet("last_sources", [{"source": "kefu-guanlishi", "quote": "……"}]),
        ActionExecuted("action_listen"),
        utter("嗯嗯嗯", "nlu_fallback", "wechat"),
        ActionExecuted("action_clarify"),
        BotUttered("抱歉,我没太明白。您可以这样问:"),
        ActionExecuted("action_listen"),
    ]  # fmt: skip
    await store.save(DialogueStateTracker.from_events("openid-1", events, domain.slots))

    engine = open_engine(store_url)
    with engine.connect() as conn:
        columns = {c["name"]: c["type"].python_type for c in sa.inspect(conn).get_columns("events")}
    # Same names and kinds (PostgreSQL names Rasa's Float column DOUBLE PRECISION).
    assert columns == {c.name: c.type.python_type for c in EVENTS.columns}

    insights = compute(engine, titles={})
    assert insights.turns == 3 and insights.answered == 1
    assert [
        (q.text, q.reason, q.channel) for q in sorted(insights.questions, key=lambda q: q.text)
    ] == [
        ("嗯嗯嗯", "nlu_fallback", "wechat"),
        ("程序员工资多少", "not_covered", "wechat"),
    ]
    assert insights.roles == [("客服主管", 1)]
    assert insights.sources == [("kefu-guanlishi", "kefu-guanlishi", 1)]
    assert [(d.channel, d.conversations, d.messages) for d in insights.channels] == [
        ("wechat", 1, 3)
    ]
