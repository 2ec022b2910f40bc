"""Percentiles and run summaries for the benchmark report."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """A figure measured over repeated runs: its median and spread."""

    median: float
    low: float
    high: float
    runs: int

    def show(self, unit: str = "", digits: int = 1) -> str:
        fmt = f"{{:.{digits}f}}"
        if self.runs == 1:
            return f"{fmt.format(self.median)}{unit}"
        return (
            f"{fmt.format(self.median)}{unit} "
            f"({fmt.format(self.low)}–{fmt.format(self.high)}, {self.runs} runs)"
        )


def summarize(values: Sequence[float]) -> Summary:
    if not values:
        raise ValueError("nothing to summarize")
    return Summary(statistics.median(values), min(values), max(values), len(values))
