import pytest

from benchmarks.stats import percentile, summarize


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
    import subprocess
    import sys
    import threading

    from scripts.stack import WORKER_READY, wait_for_workers

    log = tmp_path / "rasa.log"
    log.write_text(f"INFO {WORKER_READY}\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(TimeoutError):
            wait_for_workers(log, 2, proc, timeout=0.3)
        second = threading.Timer(0.2, lambda: log.write_text(f"{WORKER_READY}\n" * 2))
        second.start()
        assert wait_for_workers(log, 2, proc, timeout=10) >= 0.15
    finally:
        proc.kill()
        proc.wait()
    empty = tmp_path / "empty.log"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(RuntimeError, match="exited"):
        wait_for_workers(empty, 1, proc, timeout=10)


def test_pss_splits_what_rss_counts_twice():
    """A forked child shares its parent's pages: summed RSS counts them twice, PSS once."""
    import subprocess
    import sys
    import time

    from scripts.stack import pss_mb, rss_mb

    code = "import os, time; os.fork() or None; time.sleep(30)"
    proc = subprocess.Popen([sys.executable, "-c", "import numpy; " + code])
    try:
        time.sleep(1.5)  # numpy imported, child forked
        rss, pss = rss_mb(proc)[0], pss_mb(proc)
        assert 0 < pss < rss
    finally:
        proc.kill()
        subprocess.run(["pkill", "-f", code], check=False)
        proc.wait()
