"""REST reply latency for one user over a multi-turn conversation (`make bench-rest`).

Starts the real stack on private ports, warms it up, then times each turn of
greet -> salary -> tier follow-up -> certifications -> thanks, repeated.
Figures, not assertions.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bot.knowledge.paths import store_path
from scripts.stack import running_stack, say

CONVERSATION = ("你好", "客服主管工资多少", "那二线城市呢", "要考什么证", "谢谢")
ROUNDS = 40


def percentile(sorted_values: list, q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp), store_path()) as stack:
        for text in CONVERSATION:  # warm-up: first calls load lazily
            say(stack.url, "warm-up", text)
        timings, empty = [], 0
        for i in range(ROUNDS):
            for text in CONVERSATION:
                started = time.perf_counter()
                replies = say(stack.url, f"bench-{i}", text)
                timings.append((time.perf_counter() - started) * 1000)
                empty += not replies
    timings.sort()
    print(
        f"REST, one user, {len(timings)} turns: p50 {percentile(timings, 0.5):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, max {timings[-1]:.1f} ms, "
        f"mean {statistics.mean(timings):.1f} ms, empty replies {empty}"
    )
    print(
        f"cold start: action server {stack.actions_ready_s:.1f} s, Rasa {stack.rasa_ready_s:.1f} s"
    )


if __name__ == "__main__":
    main()
