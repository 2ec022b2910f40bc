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
