import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from benchmarks.stats import percentile, summarize
from scripts.stack import WORKER_READY, _tree, pss_mb, rss_mb, wait_for_workers


def test_percentile_interpolates_between_ranks():
    values = [10, 20, 30, 40, 50]
    assert percentile(values, 0) == 10
    assert percentile(values, 50) == 30
    assert percentile(values, 100) == 50
    assert percentile(values, 95) == pytest.approx(48)
    assert percentile([5], 99) == 5
    assert percentile([3, 1, 2], 50) == 2  # order does not matter


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summary_shows_median_and_spread():
    s = summarize([3.0, 1.0, 2.0])
    assert (s.median, s.low, s.high, s.runs) == (2.0, 1.0, 3.0, 3)
    assert s.show(" s") == "2.0 s (1.0–3.0, 3 runs)"
    assert summarize([7.25]).show(" ms", 2) == "7.25 ms"


def test_the_hand_written_optimisation_log_is_carried_over(tmp_path):
    from benchmarks.run import LOG_HEADING, hand_written_log

    report = tmp_path / "RESULTS.md"
    assert hand_written_log(report) == []
    report.write_text(f"# Benchmark results\n\n- p50 9 ms\n\n{LOG_HEADING}\n\n1. before/after\n")
    assert hand_written_log(report) == [LOG_HEADING, "", "1. before/after"]
    report.write_text("# Benchmark results\n\n- p50 9 ms\n")
    assert hand_written_log(report) == []


def test_a_multi_worker_stack_waits_for_every_worker(tmp_path):
    """The first Sanic worker answers HTTP while the second may still be loading the model;
    a load started then measured one worker (all connections went to it)."""
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    log = tmp_path / "rasa.log"
    log.write_text(f"INFO {WORKER_READY}\n", encoding="utf-8")
    try:
        with pytest.raises(TimeoutError):
            wait_for_workers(log, 2, server, timeout=0.3)
        second = threading.Timer(0.2, lambda: log.write_text(f"{WORKER_READY}\n" * 2))
        second.start()
        assert wait_for_workers(log, 2, server, timeout=10) >= 0.15
    finally:
        _kill_tree(server)
    with pytest.raises(RuntimeError, match="exited"):
        wait_for_workers(log, 3, server, timeout=10)


@pytest.fixture
def sleeper():
    proc = subprocess.Popen([sys.executable, "-c", FORKED_SLEEPER])
    yield proc
    _kill_tree(proc)


def _kill_tree(proc):
    for pid in reversed(_tree(proc.pid)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


# numpy's pages, then a fork: parent and child share them until either writes.
FORKED_SLEEPER = "import numpy, os, time; os.fork(); time.sleep(60)"


def test_pss_splits_what_summed_rss_counts_once_per_process(sleeper):
    started = time.monotonic()
    while len(_tree(sleeper.pid)) < 2 and time.monotonic() - started < 60:
        time.sleep(0.1)
    assert len(_tree(sleeper.pid)) == 2  # parent and forked child
    rss, pss = rss_mb(sleeper)[0], pss_mb(sleeper)
    # The child's pages are nearly all its parent's: summed RSS counts them twice.
    assert 0 < pss < 0.75 * rss
