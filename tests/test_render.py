import pytest

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


def test_facts_answer_lists_every_item_of_a_source(kb):
    # 客服总监's challenges hold more than eight items in one source; none is cut off.
    facts = kb.facts("客服总监", "challenges")
    assert len(facts) > 8
    text = render.facts_answer(kb, "客服总监", "ask_challenges").text
    assert all(render._fact_line(f) in text for f in facts)
    assert "……" not in text


def test_same_role_answer_names_the_role_and_lists_its_names(kb):
    answer = render.same_role_answer(kb, "客服总监", ["客户服务总监", "客户体验总监", "胡说"])
    assert answer.text.startswith("客户服务总监、客户体验总监都是客服总监的叫法")
    assert "胡说" not in answer.text  # a word that is not a name of the role is not repeated
    assert "客户运营总监" in answer.text and answer.cited


def test_a_figure_stated_in_a_listed_sentence_does_not_repeat_it(kb):
    text = render.facts_answer(kb, "客服主管", "ask_outlook").text
    sentence = "未来三至五年,客服主管的就业市场预计将以年均5%-8%的速度增长。"
    assert text.count(sentence) == 1
    zongjian = render.facts_answer(kb, "客服总监", "ask_outlook").text
    assert zongjian.count("2023年,相关职位的招聘需求较去年增长了25%。") == 1
    # A figure whose sentence is not listed on its own keeps its labelled line.
    assert "· 1:2:根据智联招聘2023年的数据显示" in text


def test_names_one_sentence_explains_share_its_line(kb):
    text = render.facts_answer(kb, "客服总监", "ask_role_names").text
    sentence = "在职场中,客服总监被称为“客户服务总监”、“客户体验总监”或“客户运营总监”。"
    assert f"· 客户服务总监、客户体验总监、客户运营总监:{sentence}" in text
    assert text.count(sentence) == 1


def test_each_step_of_a_path_says_what_its_holder_does(kb):
    text = render.facts_answer(kb, "客服专员", "ask_career_path").text
    assert "· 第1步 初级客服专员(1-2年):负责日常的客户接待和问题解决\n" in text
    # the step's name is not said twice
    assert "· 第2步 中级客服专员:在初级基础上,承担更多复杂问题的处理," in text
    # a step with nothing more to say than its name stays a name
    director = render.facts_answer(kb, "客服总监", "ask_career_path").text
    assert "· 第1步 由客服经理晋升为客服总监\n" in director


def test_a_path_towards_a_role_leaves_out_paths_that_begin_there(kb):
    # 客服专员 -> 客服经理: the director article's path starts at 客服经理 and goes beyond it.
    text = render.facts_answer(kb, "客服经理", "ask_career_path", start_role="客服专员").text
    assert "客服主管(3-5年)" in text and "客服经理(5-8年)" in text
    assert "运营总监或业务总监" not in text
    assert "运营总监或业务总监" in render.facts_answer(kb, "客服经理", "ask_career_path").text


def test_a_path_towards_a_role_keeps_paths_that_pass_through_it(kb):
    # 客服主管 -> 客服总监: "由客服经理晋升为客服总监" begins below the goal.
    text = render.facts_answer(kb, "客服总监", "ask_career_path", start_role="客服主管").text
    assert "由客服经理晋升为客服总监" in text


@pytest.mark.parametrize(
    "goal, arrival, past",
    [
        # the director article goes on to 运营总监或业务总监 after reaching 客服总监
        ("客服总监", "由客服经理晋升为客服总监", "运营总监或业务总监"),
        # the 000 grid and the job-titles article both go on to 客服总监 after 客服经理
        ("客服经理", "客服经理(5-8年)", "客服总监"),
    ],
)
def test_a_path_towards_a_role_stops_where_it_arrives(kb, goal, arrival, past):
    text = render.facts_answer(kb, goal, "ask_career_path", start_role="客服专员").text
    assert arrival in text
    assert past not in text.split("\n", 1)[1]
    assert past in render.facts_answer(kb, goal, "ask_career_path").text


def test_two_answers_to_one_message_keep_both_texts_and_every_source_once(kb):
    salary = render.salary_answer(kb, "客服主管")  # three sources, with a chart
    outlook = render.facts_answer(kb, "客服主管", "ask_outlook")  # one of them again
    both = render.both(salary, outlook)
    assert both.text == f"{salary.text}\n\n{outlook.text}"
    assert both.payload == salary.payload
    expected = salary.cited + [c for c in outlook.cited if c not in salary.cited]
    assert both.cited == expected and len(expected) > len(salary.cited)
    assert {c["source"] for c in both.cited} == {c["source"] for c in salary.cited}


MANUFACTURING = "制造业的工厂也招客服吗?那边的客服岗一般叫什么名字?"


def test_items_a_message_names_outside_the_answer_are_added_with_their_source(kb):
    names = render.facts_answer(kb, "客服专员", "ask_role_names")
    named = render.named_facts(kb, "客服专员", MANUFACTURING, names)
    assert [(f.topic, f.value) for f in named] == [("industries", "制造业")]
    text = render.with_named(names, kb, "客服专员", named).text
    heading = "您提到的制造业(客服专员的所属行业):"
    assert text.startswith(f"{names.text}\n\n{heading}\n· 制造业:制造业客服岗位名称多为")
    assert text.endswith("——来源:《客服岗名称是什么》")


@pytest.mark.parametrize(
    "role, text",
    [
        ("客服专员", "金融行业的客服叫什么?"),  # 金融: too short to be more than a word
        ("客服总监", "客服总监和客户服务管理师是什么关系?"),  # a role name, also a certificate
        ("客户服务管理师", "制造业里客户服务管理师做什么?"),  # already in the answer
    ],
)
def test_names_and_words_the_answer_covers_are_not_added(kb, role, text):
    industries = render.facts_answer(kb, "客户服务管理师", "ask_industries")
    answered = industries if role == "客户服务管理师" else render.Answer("")
    assert render.named_facts(kb, role, text, answered) == []
    assert render.with_named(industries, kb, role, []) == industries


def test_a_certificate_says_what_it_is_for_when_the_document_does(kb):
    text = render.facts_answer(kb, "客服主管", "ask_certification").text
    assert "· 客户关系管理(CRM)认证课程:提高客户管理能力\n" in text
    assert "· 项目管理专业人士(PMP):提升项目管理技能\n" in text
    # an explanation that is the label line or list sentence naming it is not repeated
    director = render.facts_answer(kb, "客服总监", "ask_certification").text
    assert "· 客户服务管理师(非强制)\n" in director
    # ours says 无, the document 暂无 (none yet): both are shown
    assert "· 无强制性证书(原文:强制性证书:暂无)\n" in director
