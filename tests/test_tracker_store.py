"""The cached SQL tracker store stores and returns exactly what Rasa's SQLTrackerStore does.

Every test runs the same scripted conversations through the stock store and through
ours, on separate databases or on one shared database, and compares the rows written
and the trackers read back: a difference would be a lost or duplicated event.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import List, Sequence

import pytest
from rasa.core.tracker_store import SQLTrackerStore, create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot import server
from bot.tracker_store import CachedSQLTrackerStore, latest_session

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [ask_salary, greet]
slots:
  role:
    type: text
    mappings: [{type: custom}]
  city_tier:
    type: text
    mappings: [{type: custom}]
"""
)
T0 = 1_700_000_000.0


def user_turn(t: float, text: str, role: str) -> List[Event]:
    """One turn as Rasa stores it: the message, the action and its slot, the reply, listen."""
    parse = {"intent": {"name": "ask_salary", "confidence": 0.9}, "entities": [], "text": text}
    return [
        UserUttered(text, parse["intent"], [], parse, timestamp=t),
        ActionExecuted("action_answer", timestamp=t + 0.1),
        SlotSet("role", role, timestamp=t + 0.2),
        BotUttered(f"{role}的月薪……", timestamp=t + 0.3),
        ActionExecuted("action_listen", timestamp=t + 0.4),
    ]


def session_start(t: float) -> List[Event]:
    return [
        ActionExecuted("action_session_start", timestamp=t),
        SessionStarted(timestamp=t + 0.01),
        ActionExecuted("action_listen", timestamp=t + 0.02),
    ]


# Turns of one conversation: a session, three turns, a new session (restart), two more.
SCRIPT: Sequence[List[Event]] = [
    session_start(T0) + user_turn(T0 + 1, "客服主管工资多少", "客服主管"),
    user_turn(T0 + 2, "那二线城市呢", "客服主管"),
    user_turn(T0 + 3, "客服总监呢", "客服总监"),
    session_start(T0 + 4000) + user_turn(T0 + 4001, "客服专员呢", "客服专员"),
    user_turn(T0 + 4002, "要考什么证", "客服专员"),
]


def make(cls: type, db: Path, **kwargs) -> SQLTrackerStore:
    return cls(domain=DOMAIN, dialect="sqlite", db=str(db), **kwargs)


async def take_turn(store: SQLTrackerStore, sender: str, events: List[Event]) -> None:
    """What Rasa does per message: read the tracker, add the turn's events, save it."""
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)


def rows(db: Path, sender: str) -> List[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT type_name, timestamp, intent_name, action_name, data FROM events "
            "WHERE sender_id = ? ORDER BY id",
            (sender,),
        ).fetchall()


def dicts(tracker: DialogueStateTracker | None) -> List[dict]:
    return [e.as_dict() for e in tracker.events] if tracker else []


@pytest.fixture(autouse=True)
def pooled_engines(monkeypatch):
    """As the server runs: bot.server's fixes applied (connection pool, event lookup)."""
    monkeypatch.setattr(
        "rasa.core.tracker_store.create_engine_kwargs", server.engine_kwargs, raising=True
    )
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(server.resolve_event_type))


async def test_writes_and_reads_exactly_what_rasas_store_does(tmp_path: Path) -> None:
    stock, cached = (
        make(SQLTrackerStore, tmp_path / "a.db"),
        make(CachedSQLTrackerStore, tmp_path / "b.db"),
    )
    for events in SCRIPT:
        for store in (stock, cached):
            await take_turn(store, "u1", events)
        assert dicts(await cached.retrieve("u1")) == dicts(await stock.retrieve("u1"))
        assert dicts(await cached.retrieve_full_tracker("u1")) == dicts(
            await stock.retrieve_full_tracker("u1")
        )
    assert rows(tmp_path / "b.db", "u1") == rows(tmp_path / "a.db", "u1")
    assert len(rows(tmp_path / "b.db", "u1")) == sum(len(turn) for turn in SCRIPT)


async def test_only_the_latest_session_is_read_back(tmp_path: Path) -> None:
    store = make(CachedSQLTrackerStore, tmp_path / "t.db")
    for events in SCRIPT:
        await take_turn(store, "u1", events)
    tracker = await store.retrieve("u1")
    first = tracker.events[0]  # the session's start; its action_session_start is older
    assert isinstance(first, SessionStarted) and first.timestamp == T0 + 4000.01
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
        "客服专员呢",
        "要考什么证",
    ]
    assert tracker.get_slot("role") == "客服专员"


async def test_sees_what_another_server_wrote_to_the_same_conversation(tmp_path: Path) -> None:
    """Two servers (or Sanic workers) taking turns on one conversation, as behind nginx."""
    db, alone = tmp_path / "shared.db", tmp_path / "alone.db"
    servers = [make(CachedSQLTrackerStore, db), make(CachedSQLTrackerStore, db)]
    reference = make(SQLTrackerStore, alone)
    for n, events in enumerate(SCRIPT):
        await take_turn(servers[n % 2], "u1", events)
        await take_turn(reference, "u1", events)
    assert rows(db, "u1") == rows(alone, "u1")
    for store in servers:
        assert dicts(await store.retrieve("u1")) == dicts(await reference.retrieve("u1"))


async def test_rasas_own_store_reads_ours_and_the_other_way_round(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    ours, theirs = make(CachedSQLTrackerStore, db), make(SQLTrackerStore, db)
    await take_turn(ours, "u1", SCRIPT[0])
    await take_turn(theirs, "u1", SCRIPT[1])
    await take_turn(ours, "u1", SCRIPT[2])
    stored = rows(db, "u1")
    assert [json.loads(data)["event"] for *_, data in stored].count("user") == 3
    assert dicts(await theirs.retrieve("u1")) == dicts(await ours.retrieve("u1"))
    assert len(stored) == sum(len(turn) for turn in SCRIPT[:3])


async def test_a_deleted_conversation_is_not_served_from_memory(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = make(CachedSQLTrackerStore, db)
    await take_turn(store, "u1", SCRIPT[0])
    with sqlite3.connect(db) as con:
        con.execute("DELETE FROM events WHERE sender_id = 'u1'")
    assert await store.retrieve("u1") is None


async def test_remembers_at_most_cache_size_conversations(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = make(CachedSQLTrackerStore, db, cache_size=2)
    for sender in ("a", "b", "c"):
        await take_turn(store, sender, SCRIPT[0])
    assert list(store._cache) == ["b", "c"]
    await take_turn(store, "a", SCRIPT[1])  # forgotten: read again, nothing duplicated
    assert len(rows(db, "a")) == len(SCRIPT[0]) + len(SCRIPT[1])
    assert list(store._cache) == ["c", "a"]


def test_latest_session_keeps_what_rasas_query_keeps() -> None:
    start = SessionStarted.type_name
    stored = (("action", 1.0, "a"), (start, 2.0, "s1"), ("user", 3.0, "u"), (start, 5.0, "s2"))
    assert latest_session(stored) == ((start, 5.0, "s2"),)
    assert latest_session(stored[:3]) == stored[1:3]
    assert latest_session((("user", None, "u"),)) == (("user", None, "u"),)  # no start: all
    assert latest_session((("user", None, "u"), (start, 1.0, "s"))) == ((start, 1.0, "s"),)


def test_endpoints_yml_selects_this_store(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # its relative SQLite path lands here
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    store = create_tracker_store(config, DOMAIN)
    assert isinstance(getattr(store, "_tracker_store", store), CachedSQLTrackerStore)


def test_a_tracker_store_that_cannot_be_loaded_stops_the_server(monkeypatch) -> None:
    """Rasa would silently keep conversations in memory instead, losing them on restart."""
    monkeypatch.setattr(
        "rasa.core.tracker_store._load_from_module_name_in_endpoint_config",
        server.load_tracker_store_class,
    )
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    config.type = "bot.no_such_module.Store"
    with pytest.raises(ImportError):
        create_tracker_store(config, DOMAIN)


async def test_a_row_written_while_saving_is_not_taken_for_ours(tmp_path: Path, monkeypatch):
    db = tmp_path / "t.db"
    store = make(CachedSQLTrackerStore, db)
    await take_turn(store, "u1", SCRIPT[0])
    read = store.session_rows
    slot = json.dumps(SlotSet("role", "客服经理", timestamp=T0 + 1.5).as_dict())

    def read_then_someone_writes(session, sender_id):
        known = read(session, sender_id)
        with sqlite3.connect(db) as con:  # e.g. Rasa's HTTP API appending an event
            con.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                ("u1", "slot", T0 + 1.5, slot),
            )
        return known

    monkeypatch.setattr(store, "session_rows", read_then_someone_writes)
    await take_turn(store, "u1", SCRIPT[1])
    assert "u1" not in store._cache
    monkeypatch.undo()
    stored = rows(db, "u1")
    assert len(stored) == len(SCRIPT[0]) + 1 + len(SCRIPT[1])
    assert len((await store.retrieve("u1")).events) == len(stored) - 1  # before the session start
