"""The HR console's speed on a large tracker store (`.venv/bin/python -m benchmarks.admin_bench`).

Generates EVENTS (default 100k) Rasa-schema events into a temporary SQLite store, then:
- compute: the full analysis in-process (cold: no cache), median of a few runs;
- first /admin after the server starts (it begins computing at boot);
- warm /admin (cached: one max(id) lookup + HTML), median of many requests;
- /admin right after new events (the stale page is served while one thread recomputes;
  INSIGHTS_REFRESH_S=0 here, so it starts at once),
  and how long until the page is fresh again;
- a CSV export of every unanswered question.
Figures, not assertions. `EVENTS=20000` for a quicker run.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Callable, List

from bot.insights.events import open_engine
from bot.insights.report import compute
from scripts.stack import running_web
from tests.insights.generate import generate, user, write_events

EVENTS = int(os.environ.get("EVENTS", "100000"))
TOKEN = "bench-token"
WARM_REQUESTS = 20
COMPUTE_RUNS = 3


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=300) as resp:
        return resp.read()


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def median_ms(samples: List[float]) -> str:
    return f"{statistics.median(samples) * 1000:.0f} ms"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "tracker.db"
        seconds = timed(lambda: generate(store, EVENTS))
        url = f"sqlite:///{store}"
        print(f"generated {EVENTS} events in {seconds:.1f} s ({store.stat().st_size >> 20} MB)")

        engine = open_engine(url)
        cpu = time.process_time()
        runs = [timed(lambda: compute(engine, titles={})) for _ in range(COMPUTE_RUNS)]
        cpu = (time.process_time() - cpu) / COMPUTE_RUNS
        insights = compute(engine, titles={})
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"compute (cold, in-process): median {median_ms(runs)} of {COMPUTE_RUNS} "
              f"({cpu * 1000:.0f} ms CPU); "
              f"{insights.turns} turns, {len(insights.questions)} unanswered, "
              f"{len(insights.clusters)} groups")  # fmt: skip

        env = {"ADMIN_TOKEN": TOKEN, "TRACKER_DB_URL": url, "INSIGHTS_REFRESH_S": "0"}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            with running_web(Path(tmp), "http://localhost:5005") as base:
                first = timed(lambda: fetch(f"{base}/admin"))
                print(f"/admin first request after start: {first * 1000:.0f} ms")
                warm = [timed(lambda: fetch(f"{base}/admin")) for _ in range(WARM_REQUESTS)]
                print(f"/admin warm: median {median_ms(warm)} of {WARM_REQUESTS}")
                page2 = [timed(lambda: fetch(f"{base}/admin?page=2")) for _ in range(5)]
                print(f"/admin?page=2 warm: median {median_ms(page2)}")
                csv = [
                    timed(lambda: fetch(f"{base}/admin/export/unanswered.csv")) for _ in range(3)
                ]
                print(f"/admin/export/unanswered.csv: median {median_ms(csv)}")

                new = [
                    ("bench-new", time.time(), user("今天天气怎么样", "out_of_scope", 0.9, "rest"))
                ]
                write_events(url, iter(new))
                stale = timed(lambda: fetch(f"{base}/admin"))
                started = time.perf_counter()
                while not json.loads(fetch(f"{base}/admin/api/insights"))["fresh"]:
                    time.sleep(0.1)
                print(f"/admin after new events: {stale * 1000:.0f} ms (stale page), "
                      f"fresh again after {time.perf_counter() - started:.1f} s")  # fmt: skip
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


if __name__ == "__main__":
    main()
