"""CPU per NLU parse, Rasa's code against bot.inference's, alternated (`make bench-inference`).

One process, one loaded model: each round parses the same messages with Rasa's originals
and then with bot.inference's shortcuts, so the machine's drift hits both sides alike. The
parses are compared too: a shortcut that changed one would be a bug, not a speed-up.
Figures, not assertions.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import sys
import time
from typing import Any, Callable, Dict, List

from bot import inference
from scripts.stack import MODEL

MESSAGES = [
    "你好",
    "客服主管在北京工资多少",
    "那二线城市呢",
    "客服專員需要什麼證照",
    "做了四个年头的电话客服,想转客服经理,前景怎么样",
]
ROUNDS, REPEATS = 5, 60


def _cpu_ms_per_parse(parse: Callable[[str], Any]) -> float:
    started = time.process_time()
    for _ in range(REPEATS):
        for text in MESSAGES:
            parse(text)
    return (time.process_time() - started) * 1000 / (REPEATS * len(MESSAGES))


def main() -> int:
    from rasa.core.agent import Agent

    logging.disable(logging.WARNING)
    agent = Agent.load(str(MODEL))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> Dict[str, Any]:
        return loop.run_until_complete(agent.parse_message(text))

    runs: Dict[str, List[float]] = {"rasa": [], "bot.inference": []}
    parses: Dict[str, list] = {}
    for _ in range(ROUNDS):
        for side in runs:
            inference.restore() if side == "rasa" else inference.apply()
            parses[side] = [parse(text) for text in MESSAGES]  # also warms up
            runs[side].append(_cpu_ms_per_parse(parse))
    inference.restore()
    for side, values in runs.items():
        print(
            f"{side:14s} {statistics.median(values):.2f} ms CPU per parse "
            f"({min(values):.2f}–{max(values):.2f}, {ROUNDS} rounds)"
        )
    same = parses["rasa"] == parses["bot.inference"]
    print("parses identical" if same else "PARSES DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
