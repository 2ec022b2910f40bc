"""SmallTalkGuard: a greeting, thanks or goodbye read into a message that names a job gives way."""

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.small_talk import SmallTalkGuard

ROLE = {"entity": "role", "start": 4, "end": 8, "value": "客服总监"}


def _read(text, ranking, entities):
    message = Message({TEXT: text, ENTITIES: entities, INTENT: ranking[0]})
    message.set(INTENT_RANKING_KEY, ranking)
    (out,) = SmallTalkGuard.create({}, None, None, None).process([message])
    return out.get(INTENT)["name"], [r["name"] for r in out.get(INTENT_RANKING_KEY)]


@pytest.mark.parametrize("small_talk", ["greet", "thank", "goodbye"])
def test_small_talk_naming_a_job_gives_way_to_the_next_reading(small_talk):
    ranking = [
        {"name": small_talk, "confidence": 0.97},
        {"name": "compare_roles", "confidence": 0.01},
        {"name": "ask_salary_factors", "confidence": 0.01},
    ]
    text = "同样挂着客服总监的头衔,为啥有人年薪翻倍有人平平?"
    assert _read(text, ranking, [ROLE]) == (
        "compare_roles",
        ["compare_roles", "ask_salary_factors"],
    )


def test_small_talk_without_a_job_and_questions_are_left_alone():
    greeting = [{"name": "greet", "confidence": 0.99}, {"name": "ask_salary", "confidence": 0.01}]
    assert _read("你好呀", greeting, []) == ("greet", ["greet", "ask_salary"])
    question = [{"name": "ask_salary", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
    assert _read("客服总监工资", question, [ROLE]) == ("ask_salary", ["ask_salary", "greet"])
