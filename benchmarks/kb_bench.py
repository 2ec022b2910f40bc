"""Time the knowledge-base build and typical queries (`make bench-kb`).

Figures, not assertions: the speed targets are measured here, never in tests.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bot.knowledge import KnowledgeBase
from bot.knowledge.build import build
from bot.knowledge.paths import ArtefactPaths
from bot.knowledge.sources import SOURCES_DIR

BUILD_RUNS = 5
QUERY_RUNS = 20000


def _build_once(directory: Path) -> float:
    started = time.perf_counter()
    build(SOURCES_DIR, directory / "kb.db", ArtefactPaths.under(directory))
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        cold = _build_once(directory)  # includes loading jieba and spaCy
        warm = [_build_once(directory) for _ in range(BUILD_RUNS)]
        kb = KnowledgeBase.open(directory / "kb.db")
        queries = [
            lambda: kb.salaries("客服主管", tier="二线", experience="资深"),
            lambda: kb.facts("客服总监", "certification"),
            lambda: kb.resolve_role("客户体验总监工资多少"),
            lambda: kb.facts("客服专员", "career_path"),
        ]
        timings = []
        for _ in range(QUERY_RUNS // len(queries)):
            for query in queries:
                started = time.perf_counter_ns()
                query()
                timings.append((time.perf_counter_ns() - started) / 1000)
    timings.sort()
    p = lambda q: timings[int(q * (len(timings) - 1))]  # noqa: E731
    print(f"build, first in process (loads jieba + spaCy): {cold:.2f} s")
    print(
        f"build, warm: median {statistics.median(warm):.3f} s, "
        f"min {min(warm):.3f} s, max {max(warm):.3f} s over {BUILD_RUNS} runs"
    )
    print(
        f"typical query: p50 {p(0.5):.1f} µs, p95 {p(0.95):.1f} µs, p99 {p(0.99):.1f} µs "
        f"over {len(timings)} queries"
    )


if __name__ == "__main__":
    main()
