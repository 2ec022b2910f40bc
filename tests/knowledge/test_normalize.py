from bot.knowledge.normalize import drop_repeated_paragraphs, normalize_document_text
from bot.text import detect_script, in_script, normalize_text, to_traditional


def test_traditional_becomes_simplified_and_nfkc():
    assert normalize_document_text("客戶服務管理師:試用期1000左右  \r\n") == (
        "客户服务管理师:试用期1000左右\n"
    )
    assert normalize_text("客服主管的薪資") == "客服主管的薪资"


def test_script_detection():
    assert detect_script("客戶服務管理師的職業等級") == "traditional"
    assert detect_script("客户服务管理师的职业等级") == "simplified"
    assert to_traditional("客户服务") == "客戶服務"
    assert in_script("薪资", "traditional") == "薪資"
    assert in_script("薪资", "simplified") == "薪资"


def test_repeated_paragraph_runs_are_removed_once():
    para = "这是一段足够长的段落,用来测试重复段落会被删除而只保留第一次出现。"
    text = f"标题\n1. 小节\n{para}\n另一段不同的内容,也足够长,不会被删除掉的。\n1. 小节\n{para}\n"
    out = drop_repeated_paragraphs(text)
    assert out.count(para) == 1
    assert "另一段不同的内容" in out


def test_short_repeated_headings_are_kept():
    text = (
        "三、路径\n1. 初级客服专员\n负责基础咨询的工作内容。\n"
        "六、薪酬\n1. 初级客服专员\n月薪5000-10000元之间\n"
    )
    out = drop_repeated_paragraphs(text)
    assert out.count("1. 初级客服专员") == 2
