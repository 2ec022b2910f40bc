import asyncio

import pytest

from benchmarks.load import run_load
from benchmarks.quality import Bm25Baseline, Question, score

QUESTIONS = [
    Question("a", "q1", expect=["18000-30000"], forbid=["12000-18000"]),
    Question("b", "q2", expect=["PMP"], forbid=[]),
]


def test_score_counts_accuracy_and_precision_separately():
    answers = {"q1": "一线资深:18000-30000元/月;中级:12000-18000元/月", "q2": "证书:PMP"}
    s = score(QUESTIONS, answers.__getitem__)
    assert (s.accuracy, s.precision) == (1.0, 0.5)
    assert s.misses == ["a"]


def test_score_normalizes_the_answers_script():
    s = score([Question("t", "q", ["证书"], [])], lambda q: "證書")
    assert s.accuracy == 1.0


def test_bm25_baseline_answers_with_a_sentence_from_the_documents():
    baseline = Bm25Baseline()
    answer = baseline.answer("客服主管 一线城市 资深 薪资")
    assert answer in baseline.sentences
    assert "一线城市" in answer


def test_load_generator_refuses_non_loopback_targets():
    with pytest.raises(ValueError, match="loopback"):
        asyncio.run(run_load("http://10.0.0.5:5005", 1, 1, 1.0))
