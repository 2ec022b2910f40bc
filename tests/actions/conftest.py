"""Tracker and dispatcher fixtures in the style of RasaHQ's financial-demo."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(slots: Dict[str, Any] | None = None, text: str = "", intent: str = "") -> Tracker:
    return Tracker(
        sender_id="test-user",
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": [],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


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
