"""Our reading of the events table against rows written by Rasa's own SQLTrackerStore."""

from __future__ import annotations

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
from scripts.stack import ROOT


def utter(text, intent, channel, entities=()):
    parse = {"intent": {"name": intent, "confidence": 0.4}, "entities": list(entities)}
    return UserUttered(text, parse["intent"], parse["entities"], parse, input_channel=channel)


async def test_events_saved_by_rasa_are_read_as_turns(tmp_path):
    domain = Domain.load(ROOT / "domain.yml")
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
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

    engine = open_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as conn:
        columns = {c["name"]: str(c["type"]) for c in sa.inspect(conn).get_columns("events")}
    assert columns == {c.name: str(c.type) for c in EVENTS.columns}

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
