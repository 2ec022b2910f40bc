"""bot.knowledge.match: which of a role's facts a question's own words point to."""

from __future__ import annotations

import pytest

from bot.knowledge.match import FactIndex, bigrams, lead
from bot.knowledge.models import Fact, Provenance


def fact(topic: str, value: str, role: str = "客服主管", section: str = "") -> Fact:
    return Fact(topic, role, value, Provenance("doc", section, value, 0, len(value)))


def test_bigrams_are_han_pairs_and_latin_words_in_simplified_form():
    assert bigrams("客服體系,AI") == {"客服", "服体", "体系", "ai"}
    assert bigrams("证") == {"证"}


FACTS = [
    fact("duties", "客户服务管理体系的策划、组建和实施监督"),
    fact("duties", "处理客户投诉"),
    fact("challenges", "客户投诉处理难度大"),
    fact("education", "大专及以上学历,两年以上工作经验"),
    fact("outlook", "人工智能和大数据正在改变客户服务的方式"),
    fact("duties", "制定客户服务管理体系", role="客服总监"),
]


@pytest.fixture
def index() -> FactIndex:
    return FactIndex(FACTS, {"certification": ["证书"]})


def test_the_fact_holding_the_questions_rare_words_wins(index):
    found = index.topics("客服主管", "要不要搭建整个管理体系")
    assert found[0].topic == "duties" and found[0].fact is FACTS[0]
    assert index.topics("客服主管", "大数据和AI会怎么改变这份工作")[0].topic == "outlook"


def test_only_the_roles_facts_count(index):
    found = index.topics("客服总监", "要不要搭建整个管理体系")
    assert [m.fact for m in found] == [FACTS[5]]


def test_each_topic_once_by_its_best_fact_best_first(index):
    found = index.topics("客服主管", "投诉处理难度大怎么办")
    assert [m.topic for m in found] == ["challenges", "duties"]
    assert found[0].score > found[1].score


def test_words_no_fact_uses_match_nothing(index):
    assert index.topics("客服主管", "你好呀") == []
    assert index.topics("客服主管", "") == []


def test_a_topic_is_found_by_the_words_that_name_it():
    facts = [fact("certification", "客户服务管理师(三级)"), fact("skills", "沟通能力")]
    index = FactIndex(facts, {"certification": ["证书"]})
    assert [m.topic for m in index.topics("客服主管", "要考什么证书")] == ["certification"]


def test_a_word_every_fact_has_says_nothing():
    facts = [fact("duties", "客服沟通"), fact("skills", "客服能力")]
    assert FactIndex(facts, {}).topics("客服主管", "客服") == []


def test_the_store_answers_through_its_read_api(kb):
    found = kb.topics_matching("客户服务管理师", "客户服务管理师要不要搭建整个客户服务管理体系?")
    assert found[0].topic == "duties" and "体系" in found[0].fact.value


def test_one_sentence_filed_under_two_topics_is_no_tie():
    both = "负责处理客户投诉和协调各部门之间的沟通"
    facts = [
        fact("duties", both, section="职责"),
        fact("overview", both, section="概述"),
        fact("skills", "沟通能力"),
        fact("outlook", "客户投诉增多"),
    ]
    found = FactIndex(facts, {}).topics(
        "客服主管", "要亲自处理客户投诉吗?部门之间的协调也归他管吗?"
    )
    assert [m.topic for m in found[:2]] == ["duties", "overview"]
    assert found[0].score - found[1].score < 0.05  # alike, yet the same evidence
    assert lead(found) == found[0].score - found[2].score


def test_the_lead_of_nothing_is_nothing():
    assert lead([]) == 0.0
