"""Restarting the Rasa server mid-conversation loses no context and no event.

The conversation state lives in the SQLite tracker store (endpoints.yml), so a restart
(a deployment, a crash) must be invisible to the user: role, city tier and experience
given before it still shape the answers after it. The tracker's `events` table is read
directly before and after: what was there is still there, unchanged, and each message
adds exactly one user event.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Dict, Iterator, List, Tuple

import pytest

from scripts.stack import Stack, restart, running_stack, say

pytestmark = pytest.mark.e2e

Row = Tuple[int, str, str, float, str, str, str]


@pytest.fixture(scope="module")
def stack(seeds, tmp_path_factory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("restart"), seeds.store) as running:
        yield running


def rows(stack: Stack) -> List[Row]:
    """Every stored event, in insertion order, read straight from the tracker DB."""
    con = sqlite3.connect(f"file:{stack.workdir / 'tracker.db'}?mode=ro", uri=True)
    try:
        return con.execute(
            "SELECT id, sender_id, type_name, timestamp, intent_name, action_name, data"
            " FROM events ORDER BY id"
        ).fetchall()
    finally:
        con.close()


def users(table: List[Row]) -> Counter:
    return Counter(r[1] for r in table if r[2] == "user")


def text(replies: list) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


class Conversation:
    """Sends messages and checks that each adds exactly one user event for its sender."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.sent: Counter = Counter()

    def __call__(self, sender: str, message: str) -> str:
        before = users(rows(self.stack))
        reply = text(say(self.stack.url, sender, message))
        self.sent[sender] += 1
        after = users(rows(self.stack))
        assert after - before == Counter({sender: 1}), (message, before, after)
        return reply


def check_table(table: List[Row], sent: Dict[str, int]) -> None:
    ids = [r[0] for r in table]
    assert ids == sorted(set(ids)), "ids not strictly increasing"
    assert len({r[1:] for r in table}) == len(table), "a duplicated event row"
    assert users(table) == Counter(sent)
    sessions = Counter(r[1] for r in table if r[2] == "session_started")
    assert sessions == Counter({sender: 1 for sender in sent}), "a restart began a new session"


def test_context_and_events_survive_a_restart(stack: Stack) -> None:
    talk = Conversation(stack)
    assert "18000-30000元/月" in talk("tiers", "客服主管工资多少")
    second_tier = talk("tiers", "那二线城市呢")
    assert second_tier.startswith("二线城市客服主管的薪资"), second_tier
    years = talk("tiers", "干了4年呢")
    assert "二线城市、中级(3-5年经验):9000-13000元/月" in years, years
    assert "6000-9000" not in years and "12000-18000" not in years, years
    stated = talk("stated", "我在深圳做了4年客服主管,工资多少")
    assert "一线城市、中级(3-5年经验):12000-18000元/月" in stated, stated
    assert "9000-13000" not in stated, stated

    before = rows(stack)
    check_table(before, talk.sent)
    seconds = restart(stack)
    assert rows(stack) == before, "the restart itself changed the tracker"
    print(f"\nRasa restart: {seconds:.1f} s until it answered again")

    certs = talk("tiers", "要考什么证")
    assert certs.startswith("客服主管的证书") and "PMP" in certs, certs
    salary = talk("tiers", "工资呢")
    assert "二线城市、中级(3-5年经验):9000-13000元/月" in salary, salary
    assert "6000-9000" not in salary and "12000-18000" not in salary, salary
    assert talk("stated", "要考什么证").startswith("客服主管的证书")
    salary = talk("stated", "那工资呢")
    assert "一线城市、中级(3-5年经验):12000-18000元/月" in salary, salary
    assert "9000-13000" not in salary, salary

    after = rows(stack)
    assert after[: len(before)] == before, "events stored before the restart changed"
    assert min(r[0] for r in after[len(before) :]) > max(r[0] for r in before)
    check_table(after, talk.sent)
