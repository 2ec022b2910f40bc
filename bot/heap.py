"""Full garbage collections leave the loaded model alone (`gc.freeze`).

With the model loaded, a Rasa worker holds about half a million objects that the
garbage collector tracks (TensorFlow, Keras, the featurizers' vocabularies), and
they live as long as the model. CPython's full collection walks every one of
them: 250–500 ms during which the worker answers nobody, and in a 20 s run of 32
users the workers ran one between them, besides those of start-up (timed with
`gc.callbacks`; benchmarks/RESULTS.md, ninth round). Frozen objects are skipped, so a full
collection only walks what the conversations allocated.

Frozen objects are never collected, so a model that replaces another (Rasa's
PUT /model) unfreezes everything first, letting the old model be collected once
the replies still using it have finished, and freezes again a minute later.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from typing import Any

from rasa.core.agent import Agent

# Seconds from loading a replacement model to freezing again: replies that were
# running on the old model finish well within this.
SETTLE_S = 60.0

_ORIGINAL_LOAD_MODEL = Agent.load_model


def freeze() -> None:
    """Collect what loading left behind, then move every surviving object out of the GC's way."""
    gc.collect()
    gc.freeze()


def load_model_then_freeze(self: Agent, *args: Any, **kwargs: Any) -> None:
    """Rasa's `Agent.load_model`, with the loaded model frozen."""
    replacing = gc.get_freeze_count() > 0
    gc.unfreeze()
    _ORIGINAL_LOAD_MODEL(self, *args, **kwargs)
    if not replacing:
        freeze()
        return
    # Without an event loop (a script) it stays unfrozen, as stock Python is.
    with contextlib.suppress(RuntimeError):
        asyncio.get_running_loop().call_later(SETTLE_S, freeze)


def apply() -> None:
    Agent.load_model = load_model_then_freeze
