"""Bot messages as chat-app text: numbered options, salary tables, byte-limited chunks."""

from __future__ import annotations

from bot import render
from bot.channels.replies import (
    MAX_BYTES,
    custom_text,
    option_index,
    render_turn,
    salary_table,
    split_text,
)


def nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


def test_split_keeps_lines_whole_and_under_the_byte_limit():
    lines = [f"第{i}行:客服主管的职责包括团队管理、质量监控与培训。" for i in range(200)]
    text = "\n".join(lines)
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(nbytes(c) <= MAX_BYTES for c in chunks)
    assert "\n".join(chunks) == text  # nothing lost, nothing broken mid-line
    assert all(c.split("\n")[0] in lines for c in chunks)


def test_split_breaks_an_overlong_line_at_character_boundaries():
    line = "长" * 1500  # 4500 bytes, no newline
    chunks = split_text(line, limit=2000)
    assert [nbytes(c) for c in chunks] == [1998, 1998, 504]
    assert "".join(chunks) == line


def test_split_prefers_paragraph_boundaries():
    first = "\n".join(["甲" * 100] * 5)  # 1504 bytes
    second = "\n".join(["乙" * 100] * 3)  # 902 bytes: does not fit after the first
    third = "丙" * 10
    assert split_text(f"{first}\n\n{second}\n\n{third}") == [first, f"{second}\n\n{third}"]


def test_split_small_and_empty():
    assert split_text("你好") == ["你好"]
    assert split_text("  \n\n ") == []
    assert split_text("a\n\nb", limit=2) == ["a", "b"]


def test_buttons_become_numbered_options_across_messages():
    rendered = render_turn(
        [
            {
                "text": "您想了解哪个岗位的薪资?",
                "buttons": [
                    {"title": "客服专员", "payload": '/ask_salary{"role": "客服专员"}'},
                    {"title": "客服主管", "payload": '/ask_salary{"role": "客服主管"}'},
                ],
            },
            {"text": "或者:", "buttons": [{"title": "客服总监", "payload": "/ask_salary"}]},
        ]
    )
    assert rendered.text == (
        "您想了解哪个岗位的薪资?\n回复 1 查看:客服专员\n回复 2 查看:客服主管\n\n"
        "或者:\n回复 3 查看:客服总监"
    )
    assert rendered.options == [
        '/ask_salary{"role": "客服专员"}',
        '/ask_salary{"role": "客服主管"}',
        "/ask_salary",
    ]


def test_option_index_accepts_bare_numbers_only():
    assert option_index("1", 3) == 0
    assert option_index(" 3 ", 3) == 2
    assert option_index("２", 3) == 1  # full-width digit from a Chinese keyboard
    assert option_index("2。", 3) == 1
    for text in ("4", "0", "12", "1个", "一", "", "-1", "١"):
        assert option_index(text, 3) is None


def test_other_message_parts():
    rendered = render_turn(
        [
            {"text": "看图"},
            {"image": "https://example.invalid/a.png"},
            {"custom": {"type": "sources", "sources": []}},  # the text already cites
            {"attachment": "文件"},
        ]
    )
    assert rendered.text == "看图\n\n图片:https://example.invalid/a.png\n\n文件"
    assert rendered.options == []


def test_salary_chart_becomes_a_compact_table(kb):
    answer = render.salary_answer(kb, "客服主管")
    table = salary_table(answer.payload)
    lines = table.split("\n")
    assert lines[0] == "【客服主管薪资一览】"
    assert "经验\\城市 | 一线 | 二线 | 三线及以下(元/月)" in lines
    assert "入门 | 8000-12000 | 6000-9000 | 4000-7000" in lines
    assert "资深 | 18000-30000 | 13000-20000 | 10000-15000" in lines
    # every stated range appears, and the whole answer still fits one message
    for item in answer.payload["ranges"]:
        assert f"{item['low']}-{item['high']}" in table or f"{item['low']}元" in table
    whole = render_turn([{"text": answer.text}, {"custom": answer.payload}]).text
    assert nbytes(whole) <= MAX_BYTES


def test_yearly_ranges_are_shown_in_wan(kb):
    table = salary_table(render.salary_answer(kb, "客服总监").payload)
    assert "15万-25万元/年" in table


def test_comparison_has_a_table_per_role_and_unknown_payloads_none(kb):
    answer = render.compare_answer(kb, ["客服主管", "客服总监"])
    text = custom_text(answer.payload)
    assert "【客服主管薪资一览】" in text and "【客服总监薪资一览】" in text
    assert custom_text({"type": "facts", "sources": []}) == ""
    assert custom_text({"type": "salary_ranges", "ranges": "nonsense"}) == ""
    odd = {"type": "salary_ranges", "role": "x", "ranges": [{"low": None, "high": "?"}, 7]}
    assert "未注明" in custom_text(odd) or "?" in custom_text(odd)
