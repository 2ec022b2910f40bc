"""bot.nlu.clauses: which messages are split, and how the readings come back to their message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.clauses import CLAUSES, ClauseCollector, ClauseSplitter, split_clauses


@pytest.mark.parametrize(
    "text, clauses",
    [
        (
            "客户服务主管是个什么样的职位?主要负责哪一块?",
            ["客户服务主管是个什么样的职位", "主要负责哪一块"],
        ),
        ("客服总监的职责是什么,另外工资多少", ["客服总监的职责是什么", "另外工资多少"]),
        ("客服主管要什么证;客服主管累不累。", ["客服主管要什么证", "客服主管累不累"]),
        (
            "问题一是什么?问题二是什么?问题三是什么?问题四是什么?",
            ["问题一是什么", "问题二是什么", "问题三是什么"],
        ),
    ],
)
def test_a_message_asking_several_things_is_cut_into_its_questions(text, clauses):
    assert split_clauses(text) == clauses


@pytest.mark.parametrize(
    "text",
    [
        "客服主管工资多少",
        "客服主管工资多少?",
        "嗯,好的!客服主管工资多少",  # 嗯,好的 is no question of its own
        "在北京,客服主管,工资多少",  # commas inside one question
        "一问?二问?三问?",  # too short to be questions of their own
        '/ask_salary{"role": "客服主管"}',  # a button's payload
        "",
    ],
)
def test_a_message_asking_one_thing_is_left_whole(text):
    assert split_clauses(text) == []


def _read(message: Message, intent: str, confidence: float) -> None:
    """What the classifiers between the two components would set."""
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    ranking = [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.01}]
    message.set("intent_ranking", ranking, add_to_output=True)


def test_each_question_is_read_alone_and_recorded_on_its_message():
    whole = Message(data={"text": "客户服务主管是个什么样的职位?主要负责哪一块?"})
    single = Message(data={"text": "客服主管工资多少"})
    batch = ClauseSplitter().process([whole, single])
    assert [m.get("text") for m in batch] == [
        whole.get("text"),
        "客服主管工资多少",
        "客户服务主管是个什么样的职位",
        "主要负责哪一块",
    ]
    intents = ["ask_duties", "ask_salary", "ask_overview", "ask_duties"]
    for message, intent in zip(batch, intents, strict=True):
        _read(message, intent, 0.9)

    out = ClauseCollector().process(batch)

    assert out == [whole, single]
    readings = whole.as_dict(only_output_properties=True)[CLAUSES]
    assert [(r["text"], r["intent"]["name"]) for r in readings] == [
        ("客户服务主管是个什么样的职位", "ask_overview"),
        ("主要负责哪一块", "ask_duties"),
    ]
    assert all(len(r["intent_ranking"]) == 2 for r in readings)
    assert single.get(CLAUSES) is None


def test_the_pipeline_in_config_yml_splits_first_and_collects_last():
    config = Path(__file__).resolve().parents[2] / "config.yml"
    names = [c["name"] for c in yaml.safe_load(config.read_text(encoding="utf-8"))["pipeline"]]
    assert names.index("bot.nlu.clauses.ClauseSplitter") < names.index("JiebaTokenizer")
    assert names[-1] == "bot.nlu.clauses.ClauseCollector"
