"""`python -m bot.insights export-nlu`: a stub for review, never a training file."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from bot.insights.__main__ import main
from bot.insights.report import Cluster
from bot.insights.review import DATA_DIR, write_stub
from bot.insights.suggest import IntentSuggester, training_examples
from tests.insights.generate import generate


def cluster(number: int, *texts: str) -> Cluster:
    examples = [(t, 1) for t in texts]
    return Cluster(number, len(texts), texts[0], examples, {"nlu_fallback": 1}, {}, {}, 0.0)


def test_the_nearest_training_intent_is_suggested():
    examples = training_examples()
    assert ("ask_salary", "客服主管工资多少") in examples or any(
        i == "ask_salary" for i, _ in examples
    )
    assert all("](" not in text for _, text in examples)  # annotations reduced to their text
    suggester = IntentSuggester(examples)
    assert suggester.suggest(["客服主管一个月到手多少", "客服主管薪水高吗"]).intent == "ask_salary"
    assert suggester.suggest(["客服总监要考哪些证书"]).intent == "ask_certification"
    assert suggester.suggest(["今天天气怎么样", "明天会下雨吗"]).intent == "out_of_scope"


def test_the_stub_is_valid_nlu_yaml_outside_data(tmp_path):
    groups = [cluster(1, "客服主管一个月到手多少", "客服主管薪水高吗"), cluster(2, "明天会下雨吗")]
    path = write_stub(groups, tmp_path, today=dt.date(2025, 3, 1))
    assert path == tmp_path / "unanswered-20250301.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 待审核 · NOT TRAINED")
    document = yaml.safe_load(text)
    assert [item["intent"] for item in document["nlu"]] == ["ask_salary", "out_of_scope"]
    assert document["nlu"][0]["examples"].splitlines() == [
        "- 客服主管一个月到手多少",
        "- 客服主管薪水高吗",
    ]
    assert "# 分组 1: 2 次" in text


def test_writing_under_data_is_refused():
    with pytest.raises(ValueError, match="unreviewed"):
        write_stub([cluster(1, "x")], DATA_DIR / "nlu" / "review")


def test_the_command_line(tmp_path, capsys):
    db = tmp_path / "tracker.db"
    generate(db, 1500)
    url = f"sqlite:///{db}"
    assert main(["export-nlu", "--db", url, "--out", str(tmp_path / "review")]) == 0
    written = list((tmp_path / "review").glob("unanswered-*.yml"))
    assert len(written) == 1 and yaml.safe_load(written[0].read_text(encoding="utf-8"))["nlu"]
    assert main(["summary", "--db", url]) == 0
    assert "unanswered" in capsys.readouterr().out
