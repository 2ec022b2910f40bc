"""Homophone typo repair (bot.nlu.typos) with the table the seed build generates."""

import json
import logging

import pytest

from bot.nlu.typos import HomophoneRepair


@pytest.fixture(scope="module")
def typos(seeds) -> HomophoneRepair:
    return HomophoneRepair.from_file(seeds.artefacts.homophones_file)


@pytest.mark.parametrize(
    "said, meant",
    [
        ("客服主管的岗位职则那一栏一般写哪几条", "客服主管的岗位职责那一栏一般写哪几条"),
        ("在呼叫中心当坐席两年了,看不到进升的路", "在呼叫中心当坐席两年了,看不到晋升的路"),
        ("他总觉得自己工姿亏了", "他总觉得自己工资亏了"),
        ("客服经理的钱景怎么样", "客服经理的前景怎么样"),
    ],
)
def test_a_domain_word_typed_with_characters_of_its_sound_is_repaired(typos, said, meant):
    read, repairs = typos.repair(said)
    assert read == meant
    assert [(r.said, r.meant) for r in repairs] == [
        (said[r.start : r.start + len(r.meant)], r.meant) for r in repairs
    ]
    assert len(repairs) == 1 and len(read) == len(said)  # entity offsets still hold


@pytest.mark.parametrize(
    "text",
    [
        "客服主管的岗位职责那一栏一般写哪几条",  # spelt right
        "客服代表入职时公司会组织什么培训",  # zhi2 shi2 is not 知识 (zhi1 shi2)
        "在线客服以后能不能在家远程干",  # 家 is read jia, not gu (在雇)
        "客服主管这个位置究竟管的是哪一摊",  # 管的事 is a phrase, not a word with typos
        "客户服务总监的薪酬包里一般有奖金吗",
        "HR想给客服岗起个正式点的职位名,常见的叫法能列几个吗",
    ],
)
def test_text_without_typos_is_left_alone(typos, text):
    assert typos.repair(text) == (text, [])


def test_the_table_holds_words_by_toned_reading_and_a_neutral_tone_takes_any(seeds):
    table = json.loads(seeds.artefacts.homophones_file.read_text(encoding="utf-8"))
    assert table["words"]["zhi2 ze2"] == ["职责"]
    assert table["words"]["ke4 fu2 zhu3 guan3"] == ["客服主管"]
    assert all(table["words"][f"xing4 zi{tone}"] == ["性子"] for tone in "12345")
    assert "管的事" not in {w for words in table["words"].values() for w in words}
    assert table["readings"]["则"] == "ze2"


def test_without_a_table_nothing_is_repaired_and_the_log_says_why(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="bot.nlu.typos"):
        typos = HomophoneRepair.from_file(tmp_path / "missing.json")
    assert typos.repair("岗位职则") == ("岗位职则", [])
    assert "typos are not repaired" in caplog.text
