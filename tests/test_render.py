from bot import render


def test_amounts_are_shown_as_sources_state_them(kb):
    zongjian = kb.salaries("客服总监")
    assert zongjian[0].amount() == "15万-25万元/年"
    guanlishi = next(s for s in kb.salaries("客服专员") if "试用期" in s.qualifiers)
    assert guanlishi.amount() == "1000元/月"


def test_single_source_answer_has_no_conflict_note(kb):
    answer = render.salary_answer(kb, "客服经理")
    assert "40000-80000元/月" in answer.text
    assert answer.text.rstrip().endswith("——来源:《客服岗名称是什么》")
    assert "不一致" not in answer.text


def test_tier_filter_keeps_unstated_tiers_and_drops_other_cells(kb):
    text = render.salary_answer(kb, "客服主管", tier="二线", band="资深").text
    assert "13000-20000元/月" in text
    assert "18000-30000" not in text and "6000-9000" not in text
    assert text.startswith("二线城市资深客服主管的薪资")


def test_payload_matches_text(kb):
    answer = render.salary_answer(kb, "客服主管")
    lows = {r["low"] for r in answer.payload["ranges"]}
    assert {8000, 10000, 20000, 40000} <= lows
    assert all(r["quote"] for r in answer.payload["ranges"])
