"""Events -> turns -> outcomes: what counts as unanswered, and what does not."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Dict, List, Sequence, Tuple

import pytest

from bot import render
from bot.insights.classify import (
    ANSWERED,
    FALLBACK,
    NOT_COVERED,
    OTHER,
    OUT_OF_SCOPE,
    UNFINISHED,
    classify,
    needs_text,
)
from bot.insights.events import EventRow
from bot.insights.turns import build_turns
from bot.text import in_script
from tests.insights.generate import action, bot, row, slot, user

Event = Dict


def rows(events: Sequence[Tuple[str, Event]]) -> List[EventRow]:
    out = []
    for number, (sender, event) in enumerate(events, start=1):
        r = row(sender, 1_700_000_000.0 + number, event)
        out.append(EventRow(number, r["sender_id"], r["type_name"], r["timestamp"],
                            r["intent_name"], r["action_name"], r["data"]))  # fmt: skip
    return out


def settle(*messages: Sequence[Event], sender: str = "u1") -> List[Tuple[str, str]]:
    events = [(sender, e) for message in messages for e in [*message, action("action_listen")]]
    return classify_events(events)


def classify_events(events: Sequence[Tuple[str, Event]]) -> List[Tuple[str, str]]:
    """(user text, outcome) in settling order; bot texts read straight from the events."""
    full = {n: json.dumps(e) for n, (_, e) in enumerate(events, start=1)}
    turns = list(build_turns(rows(events)))
    for t in turns:
        t.bot_texts = [json.loads(full[i]).get("text") or "" for i in t.bot_ids]
        t.bot_texts = [x for x in t.bot_texts if x]
    return [(t.text, result) for t, result in classify(turns)]


def ask(text: str, intent: str, *rest: Event, confidence: float = 0.9) -> List[Event]:
    return [user(text, intent, confidence, "rest"), *rest]


ANSWER = (
    action("action_answer"),
    bot("客服主管的薪资:……"),
    slot("last_sources", [{"source": "s1", "quote": "q"}]),
)


def test_an_answer_with_sources_is_answered():
    assert settle(ask("客服主管工资多少", "ask_salary", *ANSWER)) == [
        ("客服主管工资多少", ANSWERED)
    ]


def test_greetings_are_neither_answered_nor_gaps():
    greet = ask("你好", "greet", action("utter_greet"), bot("您好!"))
    assert settle(greet) == [("你好", OTHER)]


def test_nlu_fallback_is_recorded_even_when_the_user_then_picks_a_suggestion():
    fallback = ask("客服KPI怎么考核", "nlu_fallback", action("action_clarify"),
                   bot("抱歉,我没太明白。您是想问:"), confidence=0.3)  # fmt: skip
    assert settle(fallback, ask("/ask_salary", "ask_salary", *ANSWER)) == [
        ("客服KPI怎么考核", FALLBACK),
        ("/ask_salary", ANSWERED),
    ]


def test_out_of_scope_by_intent():
    turn = ask("今天天气怎么样", "out_of_scope", action("action_out_of_scope"),
               bot("这个问题超出了我的范围。我只回答客服类岗位的问题。"))  # fmt: skip
    assert settle(turn) == [("今天天气怎么样", OUT_OF_SCOPE)]


@pytest.mark.parametrize(
    "reply",
    [
        "抱歉,知识库只覆盖客服类岗位,没有关于程序员的资料。可以问这些岗位:客服主管。",
        "抱歉,知识库没有火星市的资料,也不知道它属于哪一级城市。",
        "知识库中没有客服组长的薪资信息。目前有薪资数据的岗位:客服主管。",
        in_script("抱歉,知识库只覆盖客服类岗位,没有关于程序员的资料。", "traditional"),
    ],
)
def test_not_covered_replies_in_either_script(reply):
    turn = ask("程序员工资多少", "ask_salary", action("action_answer"), bot(reply))
    assert settle(turn) == [("程序员工资多少", NOT_COVERED)]


def test_not_covered_wins_over_the_out_of_scope_intent():
    turn = ask("厨师要考什么证", "out_of_scope", action("action_out_of_scope"),
               bot("抱歉,知识库只覆盖客服类岗位,没有关于厨师的资料。"))  # fmt: skip
    assert settle(turn) == [("厨师要考什么证", NOT_COVERED)]


ASK_ROLE = (action("action_answer"), bot("您想了解哪个岗位的薪资?"), slot("topic", "ask_salary"))


def test_a_clarification_never_completed_is_recorded():
    assert settle(ask("工资多少", "ask_salary", *ASK_ROLE)) == [("工资多少", UNFINISHED)]
    bye = ask("再见", "goodbye", action("utter_goodbye"), bot("再见"))
    assert settle(ask("工资多少", "ask_salary", *ASK_ROLE), bye) == [
        ("工资多少", UNFINISHED),
        ("再见", OTHER),
    ]


def test_a_completed_clarification_counts_as_answered():
    ask_topic = (action("action_answer"), bot("您想了解客服主管的哪方面?"))
    assert settle(
        ask("工资多少", "ask_salary", *ASK_ROLE),
        ask("客服主管", "inform", *ask_topic),
        ask("/ask_salary", "ask_salary", *ANSWER),
    ) == [("工资多少", ANSWERED), ("客服主管", ANSWERED), ("/ask_salary", ANSWERED)]


def test_core_fallback_to_action_clarify_is_a_clarification():
    clarify = ask("嗯嗯", "affirm", action("action_clarify"), bot("抱歉,我没太明白。您可以这样问:"))
    assert settle(clarify) == [("嗯嗯", UNFINISHED)]


def test_conversations_interleave_and_session_starts_close_turns():
    events = [
        ("a", user("工资多少", "ask_salary", 0.9, "wechat")),
        ("b", user("客服主管工资多少", "ask_salary", 0.9, "rest")),
        *[("a", e) for e in ASK_ROLE],
        *[("b", e) for e in ANSWER],
        ("a", action("action_session_start")),
        ("a", {"event": "session_started"}),
        ("a", slot("last_sources", [{"source": "carried", "quote": "q"}])),
        ("a", user("客服主管", "inform", 0.9, "wechat")),
        *[("a", e) for e in ANSWER],
    ]
    settled = classify_events(events)
    assert ("客服主管工资多少", ANSWERED) in settled
    # The session start ended a's first turn; the carried-over slot belongs to no turn.
    assert ("工资多少", ANSWERED) in settled and ("客服主管", ANSWERED) in settled
    turns = list(build_turns(rows(events)))
    assert [t.channel for t in turns if t.sender_id == "a"] == ["wechat", "wechat"]
    assert all(t.sources == ["s1"] for t in turns if t.text != "工资多少")


def test_bot_texts_are_read_only_where_they_decide_the_outcome():
    answered, not_covered = build_turns(
        rows(
            [("u", e) for e in ask("客服主管工资多少", "ask_salary", *ANSWER)]
            + [("u", e) for e in ask("程序员工资", "ask_salary", action("action_answer"), bot("x"))]
        )
    )
    assert not needs_text(answered) and needs_text(not_covered)


class StubKB:
    """Just enough of KnowledgeBase for bot.render's refusal and question replies."""

    lexicon = SimpleNamespace(tier_names=lambda: ["一线", "二线"])

    def roles(self):
        return ["客服专员", "客服主管"]

    def salaries(self, role, tier=None, experience=None):
        return []

    def facts(self, role, topic):
        return []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (render.not_covered_role(StubKB(), "程序员"), NOT_COVERED),
        (render.not_covered_place(StubKB(), "火星市"), NOT_COVERED),
        (render.salary_answer(StubKB(), "客服组长"), NOT_COVERED),
        (render.facts_answer(StubKB(), "客服组长", "ask_duties"), NOT_COVERED),
        (render.out_of_scope(StubKB()), OUT_OF_SCOPE),
        (render.ask_role(StubKB(), "ask_salary"), UNFINISHED),
        (render.ask_topic("客服主管"), UNFINISHED),
        (render.clarify([], None), UNFINISHED),
        (render.clarify(["ask_salary"], "客服主管"), UNFINISHED),
    ],
)
def test_the_reply_openings_match_what_bot_render_writes(answer, expected):
    for script in ("simplified", "traditional"):
        turn = ask("某个问题", "ask_salary", action("action_answer"),
                   bot(in_script(answer.text, script)))  # fmt: skip
        assert settle(turn) == [("某个问题", expected)], (script, answer.text)
