"""The conversation store's CPU per turn, in-process (`make bench-store`).

What Rasa does per message, without the rest of Rasa: read the tracker, add the turn's
events, save it; 30 five-turn conversations per run. Three variants, each in a fresh
process and alternated over rounds (this machine's speed drifts within minutes):
- `stock`: Rasa's SQLTrackerStore as Rasa runs it;
- `stock+fixes`: the same with bot.server's fixes (pooled connections, event lookup);
- `cached+fixes`: bot/tracker_store.py's CachedSQLTrackerStore, as `make run` uses it.
Figures, not assertions.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

VARIANTS = ("stock", "stock+fixes", "cached+fixes")
CONVERSATIONS = 30
ROUNDS = 3


def _turns() -> List[list]:
    from rasa.shared.core.events import (
        ActionExecuted,
        BotUttered,
        SessionStarted,
        SlotSet,
        UserUttered,
    )

    ranking = [{"name": f"intent_{i}", "confidence": 0.01} for i in range(10)]
    turns = []
    for n, text in enumerate(("你好", "客服主管工资多少", "那二线城市呢", "要考什么证", "谢谢")):
        t = time.time() + n
        parse = {"intent": {"name": "ask_salary", "confidence": 0.9}, "entities": [],
                 "text": text, "intent_ranking": ranking}  # fmt: skip
        turn = [
            UserUttered(text, parse["intent"], [], parse, timestamp=t),
            ActionExecuted("action_answer", timestamp=t + 0.1),
            SlotSet("role", "客服主管", timestamp=t + 0.2),
            BotUttered("客服主管的薪资:" + "·" * 300, timestamp=t + 0.3),
            ActionExecuted("action_listen", timestamp=t + 0.4),
        ]
        if n == 0:
            turn = [ActionExecuted("action_session_start", timestamp=t - 1),
                    SessionStarted(timestamp=t - 0.9), *turn]  # fmt: skip
        turns.append(turn)
    return turns


async def _run(variant: str, db: Path) -> float:
    """CPU ms per turn of one variant."""
    if variant.endswith("+fixes"):
        from bot import server

        server.apply()
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.tracker_store import CachedSQLTrackerStore

    domain = Domain.load(str(Path(__file__).resolve().parents[1] / "domain.yml"))
    cls = CachedSQLTrackerStore if variant.startswith("cached") else SQLTrackerStore
    store = cls(domain=domain, dialect="sqlite", db=str(db))
    turns = _turns()
    started = time.process_time()
    for c in range(CONVERSATIONS):
        for events in turns:
            tracker = await store.retrieve(f"s{c}") or DialogueStateTracker(f"s{c}", domain.slots)
            for event in events:
                tracker.update(event)
            await store.save(tracker)
    return (time.process_time() - started) * 1000 / (CONVERSATIONS * len(turns))


def main() -> None:
    if len(sys.argv) == 3:  # one measurement, in a process of its own
        print(f"{asyncio.run(_run(sys.argv[1], Path(sys.argv[2]))):.3f}")
        return
    results: Dict[str, List[float]] = {v: [] for v in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(ROUNDS):
            for variant in VARIANTS:
                db = Path(tmp) / f"{variant}-{r}.db"
                out = subprocess.run(
                    [sys.executable, "-m", "benchmarks.store_bench", variant, str(db)],
                    capture_output=True, text=True, check=True,
                ).stdout  # fmt: skip
                results[variant].append(float(out.split()[-1]))
    for variant, values in results.items():
        print(
            f"{variant:13s} {statistics.median(values):.2f} ms CPU per turn "
            f"({min(values):.2f}–{max(values):.2f}, {ROUNDS} runs)"
        )


if __name__ == "__main__":
    main()
