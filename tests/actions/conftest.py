"""Tracker and dispatcher fixtures in the style of RasaHQ's financial-demo."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    text: str = "",
    intent: str = "",
    entities: List[Dict[str, Any]] | None = None,
    slots: Dict[str, Any] | None = None,
    confidence: float = 0.9,
    **message: Any,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        **message,
    }
    return Tracker(
        sender_id="test-user",
        slots=slots or {},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def ent(entity: str, value: str) -> Dict[str, Any]:
    return {"entity": entity, "value": value}


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m["text"] for m in dispatcher.messages if m.get("text"))


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def domain() -> Dict[str, Any]:
    return {}


@pytest.fixture(autouse=True)
def seeded_store(seeds, monkeypatch):
    """Point the action server's knowledge base at the session's seed build."""
    monkeypatch.setenv("KNOWLEDGE_DB", str(seeds.store))
