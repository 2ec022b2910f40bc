"""bot.heap freezes the loaded model out of full collections, and lets a replaced one go."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Iterator

import pytest

from bot import heap


class Model:
    """Stands in for a loaded model: objects in a reference cycle, as Keras layers are."""

    def __init__(self) -> None:
        self.me = self


class FakeAgent:
    model: Model | None = None


def fake_load(agent: FakeAgent) -> None:
    agent.model = Model()


@pytest.fixture(autouse=True)
def unfrozen(monkeypatch) -> Iterator[None]:
    monkeypatch.setattr(heap, "_ORIGINAL_LOAD_MODEL", fake_load)
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_first_model_is_frozen_with_everything_before_it() -> None:
    agent = FakeAgent()
    heap.load_model_then_freeze(agent)
    assert gc.get_freeze_count() > 0
    assert not any(obj is agent.model for obj in gc.get_objects())  # out of the GC's lists


def test_a_replaced_model_is_collected_and_the_new_one_frozen_after_settling(monkeypatch) -> None:
    monkeypatch.setattr(heap, "SETTLE_S", 0.05)
    agent = FakeAgent()
    heap.load_model_then_freeze(agent)
    old = weakref.ref(agent.model)

    async def replace() -> tuple:
        heap.load_model_then_freeze(agent)  # as PUT /model does, inside the server's loop
        unfrozen_meanwhile = gc.get_freeze_count() == 0
        await asyncio.sleep(0.2)
        return unfrozen_meanwhile, gc.get_freeze_count() > 0

    unfrozen_meanwhile, frozen_again = asyncio.run(replace())
    assert unfrozen_meanwhile and frozen_again
    assert old() is None  # the old model's cycle was collected before the freeze
    assert agent.model is not None


def test_a_replacement_outside_a_server_stays_unfrozen() -> None:
    agent = FakeAgent()
    heap.load_model_then_freeze(agent)
    old = weakref.ref(agent.model)
    heap.load_model_then_freeze(agent)
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert old() is None
