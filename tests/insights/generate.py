"""Synthetic tracker stores with Rasa's `events` schema, for the console's tests and benchmark.

Each conversation is written the way Rasa's SQLTrackerStore writes one: session start,
then per message a `user` event (intent, entities, input_channel in the JSON), the
action, its bot messages (text, buttons, custom payload) and slot events, and
action_listen. Greetings, answered questions with roles, fallbacks with varied Chinese
texts, out_of_scope, "not covered" jobs and abandoned clarifications, over days and the
rest / wechat / wecom channels. Deterministic for a given seed.

    .venv/bin/python -m tests.insights.generate var/demo-tracker.db 100000
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import sqlalchemy as sa

from bot.insights.events import EVENTS, metadata

BASE_TIME = 1_735_660_800.0  # 2024-12-31 16:00 UTC = 2025-01-01 00:00 in Beijing
DAYS = 30
CHANNELS = (("rest", 0.6), ("wechat", 0.25), ("wecom", 0.15))
ROLES = ("客服专员", "客服主管", "客服经理", "客服总监", "客户服务管理师")
SOURCES = {
    "kefu-zhuguan-outlook": "客服主管职业发展前景深度分析:就业现状、趋势展望与成长路径",
    "kefu-status-prospects": "客服职业现状、发展前景与成功要素",
    "kefu-zongjian-role": "中国客服总监(高端运营职位)职业具体是做什么的",
    "kefu-guanlishi": "客服管理师",
}
TOPICS = {
    "ask_salary": ("{role}工资多少", "{role}一个月能拿多少", "{role}薪资怎么样"),
    "ask_certification": ("{role}要考什么证", "{role}需要什么证书"),
    "ask_career_path": ("{role}怎么晋升", "{role}的晋升路径"),
    "ask_duties": ("{role}平时做什么", "{role}的职责是什么"),
    "ask_outlook": ("{role}前景怎么样",),
}
OTHER_JOBS = ("程序员", "厨师", "护士", "会计", "外卖骑手", "快递员", "教师", "主播")
OTHER_JOB_FORMS = ("{job}工资多少", "{job}一个月挣多少钱", "做{job}薪水怎么样", "{job}前景好吗")
FALLBACKS = (
    "客服这行干久了嗓子会不会坏",
    "在家办公的客服靠谱吗",
    "夜班客服补贴怎么算",
    "客服外包公司靠谱吗",
    "客服KPI一般怎么考核",
    "客服要不要会英语",
    "客服面试一般问什么",
    "客服工作压力大怎么办",
    "做客服能不能兼职",
    "客服转行做运营难吗",
)
OUT_OF_SCOPE = (
    "今天天气怎么样",
    "明天会下雨吗",
    "北京天气如何",
    "给我讲个笑话",
    "讲个笑话吧",
    "推荐一部电影",
    "帮我订一张机票",
    "股票怎么买",
)
PREFIXES = ("", "", "", "请问", "想问下", "你好,")
SUFFIXES = ("", "", "?", "?", "呀", "啊")
KIND_WEIGHTS = (
    ("greet", 8),
    ("answer", 45),
    ("fallback", 12),
    ("out_of_scope", 8),
    ("other_job", 9),
    ("ask_role", 8),
    ("thank", 10),
)

Event = Dict[str, Any]


def _vary(rng: random.Random, text: str) -> str:
    return rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)


def user(text: str, intent: str, confidence: float, channel: str, **extra: Any) -> Event:
    entities = extra.get("entities", [])
    ranking = [{"name": intent, "confidence": confidence}, *extra.get("ranking", [])]
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities,
            "text": text,
            "message_id": None,
            "metadata": {},
            "intent_ranking": ranking,
        },
        "input_channel": channel,
        "message_id": None,
        "metadata": {},
    }


def action(name: str) -> Event:
    return {"event": "action", "name": name, "policy": "RulePolicy", "confidence": 1.0}


def bot(text: str | None, buttons: List[Dict[str, str]] | None = None, custom: Any = None):
    data = {"elements": None, "quick_replies": None, "buttons": buttons, "attachment": None}
    return {"event": "bot", "text": text, "data": {**data, "image": None, "custom": custom}}


def slot(name: str, value: Any) -> Event:
    return {"event": "slot", "name": name, "value": value}


def role_entity(role: str, text: str) -> Dict[str, Any]:
    start = max(text.find(role), 0)
    return {"entity": "role", "value": role, "start": start, "end": start + len(role)}


def answered(rng: random.Random, channel: str, role: str | None = None) -> List[Event]:
    intent = rng.choice(sorted(TOPICS))
    role = role or rng.choice(ROLES)
    text = _vary(rng, rng.choice(TOPICS[intent]).format(role=role))
    cited = rng.sample(sorted(SOURCES), rng.randint(1, 2))
    payload = {
        "type": "salary_ranges" if intent == "ask_salary" else "facts",
        "role": role,
        "sources": [{"id": s, "title": SOURCES[s], "quote": "……"} for s in cited],
    }
    return [
        user(text, intent, round(rng.uniform(0.7, 0.99), 3), channel,
             entities=[role_entity(role, text)]),
        slot("role", role),
        action("action_answer"),
        bot(f"{role}的资料:……  ——来源:《{SOURCES[cited[0]]}》"),
        bot(None, custom=payload),
        slot("role", role), slot("topic", intent),
        slot("last_sources", [{"source": s, "quote": "……"} for s in cited]),
        slot("script", "simplified"),
    ]  # fmt: skip


def turn(rng: random.Random, kind: str, channel: str) -> List[List[Event]]:
    """The messages (each a list of events) one kind of exchange produces."""
    if kind == "greet":
        return [[user(_vary(rng, "你好"), "greet", 0.99, channel), action("utter_greet"),
                 bot("您好!我是客服职业助手。")]]  # fmt: skip
    if kind == "thank":
        return [[user("谢谢", "thank", 0.98, channel), action("utter_you_are_welcome"),
                 bot("不客气!还有其他想了解的,随时问我。")]]  # fmt: skip
    if kind == "answer":
        return [answered(rng, channel)]
    if kind == "fallback":
        ranking = [{"name": "ask_salary", "confidence": 0.31}]
        first = [
            user(_vary(rng, rng.choice(FALLBACKS)), "nlu_fallback", 0.45, channel, ranking=ranking),
            action("action_clarify"),
            bot("抱歉,我没太明白。您是想问:", buttons=[{"title": "薪资", "payload": "/x"}]),
        ]
        return [first] + ([answered(rng, channel)] if rng.random() < 0.4 else [])
    if kind == "out_of_scope":
        return [[user(_vary(rng, rng.choice(OUT_OF_SCOPE)), "out_of_scope", 0.9, channel),
                 action("action_out_of_scope"),
                 bot("这个问题超出了我的范围。我只回答客服类岗位的问题。")]]  # fmt: skip
    if kind == "other_job":
        job = rng.choice(OTHER_JOBS)
        text = _vary(rng, rng.choice(OTHER_JOB_FORMS).format(job=job))
        return [[user(text, "ask_salary", 0.8, channel), action("action_answer"),
                 bot(f"抱歉,知识库只覆盖客服类岗位,没有关于{job}的资料。")]]  # fmt: skip
    # ask_role: a question without a role; half of the users never pick one.
    asked = [user(_vary(rng, "工资多少"), "ask_salary", 0.9, channel), action("action_answer"),
             bot("您想了解哪个岗位的薪资?"), slot("topic", "ask_salary")]  # fmt: skip
    if rng.random() < 0.5:
        return [asked]
    return [asked, answered(rng, channel, rng.choice(ROLES))]


def conversations(n_events: int, seed: int = 7) -> Iterator[Tuple[str, float, Event]]:
    """(sender, timestamp, event) until about `n_events` events, conversation after conversation."""
    rng = random.Random(seed)
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    channels, shares = zip(*CHANNELS, strict=True)
    written, number = 0, 0
    while written < n_events:
        number += 1
        channel = rng.choices(channels, shares)[0]
        sender = f"{channel}-{rng.getrandbits(48):012x}-{number}"
        clock = BASE_TIME + rng.uniform(0, DAYS * 86400)
        opening = [action("action_session_start"), {"event": "session_started"},
                   action("action_listen")]  # fmt: skip
        messages: List[List[Event]] = []
        for _ in range(rng.randint(1, 5)):
            messages += turn(rng, rng.choices(kinds, weights)[0], channel)
        for message in [opening, *([*m, action("action_listen")] for m in messages)]:
            clock += rng.uniform(2, 40)
            for event in message:
                written += 1
                yield sender, clock, event


def row(sender: str, timestamp: float, event: Event) -> Dict[str, Any]:
    """An `events` row exactly as SQLTrackerStore.save builds it."""
    data = {**event, "timestamp": timestamp}
    intent = (data.get("parse_data") or {}).get("intent", {}).get("name")
    return {
        "sender_id": sender,
        "type_name": data["event"],
        "timestamp": timestamp,
        "intent_name": intent,
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def write_events(url: str, events: Iterator[Tuple[str, float, Event]]) -> int:
    """Create the table if needed and append events in conversation order."""
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    count = 0
    batch: List[Dict[str, Any]] = []
    with engine.begin() as conn:
        for sender, timestamp, event in events:
            batch.append(row(sender, timestamp, event))
            if len(batch) >= 5000:
                conn.execute(EVENTS.insert(), batch)
                count += len(batch)
                batch = []
        if batch:
            conn.execute(EVENTS.insert(), batch)
            count += len(batch)
    engine.dispose()
    return count


def generate(path: Path, n_events: int, seed: int = 7) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_events(f"sqlite:///{path}", conversations(n_events, seed))


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "var/demo-tracker.db")
    total = generate(target, int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
    print(f"{total} events written to {target}")
