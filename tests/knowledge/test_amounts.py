import pytest

from bot.knowledge.amounts import find_amounts, parse_amount


@pytest.mark.parametrize(
    "text, low, high, approximate",
    [
        ("8000-12000元", 8000, 12000, False),
        ("年薪约为15万-25万元人民币", 150000, 250000, False),
        ("约4000-6000元", 4000, 6000, False),
        ("试用期1000左右", 1000, 1000, True),
        ("月薪5000-10000元之间", 5000, 10000, False),
        ("4,000 - 7,000元", 4000, 7000, False),
        ("税后月收入约为1万元", 10000, 10000, False),
        ("15-25万元", 150000, 250000, False),
        ("8k-12k", 8000, 12000, False),
    ],
)
def test_ranges_parse_to_yuan(text, low, high, approximate):
    amount = parse_amount(text)
    assert (amount.low, amount.high, amount.approximate) == (low, high, approximate)


def test_stated_text_is_kept_without_tail():
    assert parse_amount("月薪5000-10000元之间").text == "5000-10000元"
    assert parse_amount("年薪约为15万-25万元人民币").text == "15万-25万元"


@pytest.mark.parametrize(
    "text",
    [
        "2023年的数据",
        "增长5%-8%",
        "比例约为1:2",
        "超过100万人",
        "身高1.6米以上",
        "0-2年经验",
        "397人看过",
    ],
)
def test_non_money_numbers_are_not_amounts(text):
    assert list(find_amounts(text)) == []


def test_backwards_range_is_skipped_with_a_warning(caplog):
    assert list(find_amounts("月薪12000-8000元")) == []
    assert "backwards" in caplog.text
