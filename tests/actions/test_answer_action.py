"""action_answer: every topic, context across turns, clarification and not-covered."""

import re

import pytest

from actions.actions import ActionAnswer
from bot import render
from bot.query import TOPIC_NAMES, Query
from tests.actions.conftest import ent, make_tracker, slot_events, texts


async def run(dispatcher, domain, **kwargs):
    return await ActionAnswer().run(dispatcher, make_tracker(**kwargs), domain)


async def test_salary_for_role_cites_every_source(dispatcher, domain):
    events = await run(
        dispatcher,
        domain,
        text="客服主管工资多少",
        intent="ask_salary",
        entities=[ent("role", "客服主管")],
        slots={"role": "客服主管"},
    )
    text = texts(dispatcher)
    assert "18000-30000元/月" in text
    assert "来源:《客服主管职业发展前景深度分析" in text
    assert "来源:《客服管理师》" in text and "来源:《客服岗名称是什么》" in text
    assert "数字不一致" in text
    payload = dispatcher.messages[1]["custom"]
    assert payload["type"] == "salary_ranges" and payload["role"] == "客服主管"
    assert {r["source_id"] for r in payload["ranges"]} == {
        "kefu-zhuguan-outlook",
        "kefu-guanlishi",
        "kefu-job-titles",
    }
    slots = slot_events(events)
    assert slots["role"] == "客服主管" and slots["topic"] == "ask_salary"
    assert {c["source"] for c in slots["last_sources"]} == {
        "kefu-zhuguan-outlook",
        "kefu-guanlishi",
        "kefu-job-titles",
    }


async def test_tier_follow_up_keeps_role_and_topic(dispatcher, domain):
    events = await run(
        dispatcher,
        domain,
        text="那二线城市呢",
        intent="inform",
        entities=[{**ent("city_tier", "二线"), "start": 1, "end": 5}],
        slots={"role": "客服主管", "topic": "ask_salary", "city_tier": "二线"},
    )
    text = texts(dispatcher)
    assert text.startswith("二线城市客服主管的薪资")
    assert "二线城市、入门级(0-2年经验):6000-9000元/月" in text
    assert "8000-12000" not in text  # the 一线 row is not this answer
    assert slot_events(events)["city_tier"] == "二线"


@pytest.mark.parametrize(
    "text, entities, topic, opening",
    [
        (  # details and one topic named: that topic
            "县城里干了快十年的客服主管,工资一般在什么档位",
            [ent("role", "客服主管"), ent("experience", "十年"), ent("city_tier", "三线")],
            "ask_salary",
            "三线及以下城市资深客服主管的薪资",
        ),
        (  # two topics named: the one asked before stays
            "客服主管,证书和学历",
            [ent("role", "客服主管")],
            "ask_benefits",
            "知识库中没有关于客服主管福利待遇的内容",
        ),
    ],
)
async def test_details_ask_about_the_one_topic_they_name(
    dispatcher, domain, text, entities, topic, opening
):
    events = await run(
        dispatcher, domain, text=text, intent="inform", entities=entities,
        slots={"topic": "ask_benefits"},
    )  # fmt: skip
    assert texts(dispatcher).startswith(opening)
    assert slot_events(events)["topic"] == topic


async def test_city_maps_to_tier_and_years_to_band(dispatcher, domain):
    events = await run(
        dispatcher,
        domain,
        text="在深圳干了4年客服主管能拿多少",
        intent="ask_salary",
        entities=[ent("city", "深圳"), ent("experience", "4年"), ent("role", "客服主管")],
        slots={"role": "客服主管", "experience": "4年"},
    )
    text = texts(dispatcher)
    assert "一线城市、中级(3-5年经验):12000-18000元/月" in text
    assert "9000-13000" not in text
    slots = slot_events(events)
    assert (slots["city_tier"], slots["experience"]) == ("一线", "中级")


async def test_next_topic_uses_remembered_role(dispatcher, domain):
    await run(
        dispatcher,
        domain,
        text="要考什么证",
        intent="ask_certification",
        slots={"role": "客服主管", "topic": "ask_salary"},
    )
    text = texts(dispatcher)
    assert text.startswith("客服主管的证书")
    assert "项目管理专业人士(PMP)" in text


async def test_new_role_replaces_old(dispatcher, domain):
    events = await run(
        dispatcher,
        domain,
        text="客服总监呢",
        intent="inform",
        entities=[ent("role", "客服总监")],
        slots={"role": "客服总监", "topic": "ask_certification"},
    )
    assert texts(dispatcher).startswith("客服总监的证书")
    assert "无强制性证书" in texts(dispatcher)
    assert slot_events(events)["role"] == "客服总监"


async def test_question_without_role_asks_with_buttons_and_remembers_topic(dispatcher, domain):
    events = await run(dispatcher, domain, text="要什么学历", intent="ask_education")
    (message,) = dispatcher.messages
    assert message["text"] == "您想了解哪个岗位的学历要求?"
    assert [b["title"] for b in message["buttons"]] == [
        "客服专员",
        "客服主管",
        "客服经理",
        "客服总监",
        "客户服务管理师",
    ]
    assert message["buttons"][1]["payload"] == '/ask_education{"role": "客服主管"}'
    assert slot_events(events)["topic"] == "ask_education"


async def test_bare_role_answers_the_pending_question(dispatcher, domain):
    await run(
        dispatcher,
        domain,
        text="客服总监",
        intent="inform",
        entities=[ent("role", "客服总监")],
        slots={"role": "客服总监", "topic": "ask_education"},
    )
    assert "本科及以上学历" in texts(dispatcher)


async def test_uncovered_job_gets_no_number_and_keeps_context(dispatcher, domain):
    events = await run(
        dispatcher,
        domain,
        text="程序员工资多少",
        intent="ask_salary",
        slots={"role": "客服主管"},
    )
    text = texts(dispatcher)
    assert "没有关于程序员的资料" in text
    assert not re.search(r"\d", text)
    assert "role" not in slot_events(events)


async def test_unknown_city_is_not_covered(dispatcher, domain):
    await run(
        dispatcher,
        domain,
        text="火星市客服主管工资多少",
        intent="ask_salary",
        entities=[ent("role", "客服主管")],
        slots={"role": "客服主管"},
    )
    text = texts(dispatcher)
    assert "没有火星的资料" in text and not re.search(r"\d", text)


async def test_topic_not_in_the_documents_says_so(dispatcher, domain):
    await run(
        dispatcher,
        domain,
        text="客服专员有什么福利",
        intent="ask_benefits",
        entities=[ent("role", "客服专员")],
        slots={"role": "客服专员"},
    )
    text = texts(dispatcher)
    assert text.startswith("知识库中没有关于客服专员福利待遇的内容")
    assert "客服总监" in text


async def test_traditional_question_gets_traditional_answer(dispatcher, domain):
    events = await run(
        dispatcher,
        domain,
        text="客服總監的證書",
        intent="ask_certification",
        entities=[ent("role", "客服总监")],
        slots={"role": "客服总监"},
        script="traditional",
    )
    text = texts(dispatcher)
    assert "客服總監的證書" in text and "來源" in text
    assert slot_events(events)["script"] == "traditional"


async def test_every_topic_answers_for_its_richest_role(dispatcher, domain):
    cases = {
        "ask_duties": ("客服总监", "战略规划"),
        "ask_daily_routine": ("客服总监", "早晨"),
        "ask_outlook": ("客服主管", "年均5%-8%"),
        "ask_career_path": ("客服主管", "第4步 客服总监(8年以上)"),
        "ask_skills": ("客服总监", "数据分析能力"),
        "ask_personality_fit": ("客服主管", "霍兰德代码 S(社交型、优先)"),
        "ask_education": ("客服主管", "本科及以上学历"),
        "ask_role_names": ("客服总监", "客户体验总监"),
        "ask_industries": ("客服主管", "旅游酒店业"),
        "ask_employers": ("客服总监", "大型互联网公司"),
        "ask_cities": ("客服总监", "深圳"),
        "ask_benefits": ("客服总监", "年度奖金"),
        "ask_challenges": ("客服总监", "应对:建立有效的投诉处理机制"),
        "ask_market_size": ("客户服务管理师", "超过100万人"),
        "ask_platforms": ("客服主管", "智联招聘"),
        "ask_salary_factors": ("客服总监", "企业规模"),
        "ask_overview": ("客服总监", "扮演着桥梁的角色"),
    }
    for intent, (role, expected) in cases.items():
        dispatcher.messages.clear()
        await run(dispatcher, domain, text="?", intent=intent, slots={"role": role})
        text = texts(dispatcher)
        assert expected in text, (intent, text)
        assert "——来源:《" in text, intent


async def test_missing_store_gets_a_polite_reply(dispatcher, domain, tmp_path, monkeypatch):
    monkeypatch.setenv("KNOWLEDGE_DB", str(tmp_path / "gone.db"))
    events = await run(dispatcher, domain, text="客服主管工资", intent="ask_salary")
    assert events == []
    assert texts(dispatcher) == render.NOT_AVAILABLE


async def ask(dispatcher, domain, text, intent, role, *ranking):
    """The answer action on a question about `role`, with the classifier's ranking."""
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    entities = [ent("role", role)] if isinstance(role, str) else role
    return await run(
        dispatcher, domain, text=text, intent=intent, entities=entities, intent_ranking=ranked
    )


@pytest.mark.parametrize(
    "text, intent, role, ranking, related",
    [
        # the classifier's runner-up: 人才短缺 answers "好不好招"
        (
            "站在用人单位的角度看,客服主管好不好招?",
            "ask_employers",
            "客服主管",
            (("ask_employers", 0.8), ("ask_outlook", 0.15)),
            "ask_outlook",
        ),
        # nothing else likely: the neighbouring topic (only 客户服务管理师 has a head count;
        # 客服专员's outlook speaks of supply and demand)
        (
            "做客服专员的人这么多,是不是已经饱和了?",
            "ask_market_size",
            "客服专员",
            (("ask_market_size", 0.97), ("ask_skills", 0.03)),
            "ask_outlook",
        ),
        # a weak runner-up says less than the neighbour: the trades that recruit 客服专员
        (
            "毕业先找份客服专员的活过渡,现在哪几类公司招得最多?",
            "ask_employers",
            "客服专员",
            (("ask_employers", 0.59), ("ask_skills", 0.09), ("ask_overview", 0.08)),
            "ask_industries",
        ),
        # and back: 客户服务管理师's document names no employer, but the trades that recruit it
        (
            "医院这类单位会招客户服务管理师吗?",
            "ask_employers",
            "客户服务管理师",
            (("ask_employers", 0.99), ("ask_duties", 0.01)),
            "ask_industries",
        ),
        # no cities for 客服专员: its outlook says where recruiting is strongest
        (
            "人在大连,想找客服类的工作,现在企业招客服是不是更看重会外语的?哪些地方招得多",
            "ask_cities",
            "客服专员",
            (("ask_cities", 0.96), ("ask_outlook", 0.02)),
            "ask_outlook",
        ),
        # no typical day for 客服专员 in any document: its duties say what fills the day
        (
            "客服代表平时需不需要跟产品、技术部门打交道?",
            "ask_daily_routine",
            "客服专员",
            (("ask_daily_routine", 0.99), ("deny", 0.01)),
            "ask_duties",
        ),
        # nothing else likely and no neighbour: no pay figures for 客户服务管理师, but its
        # overview lists "客服收入"
        (
            "客服管理师一般收入怎么样?",
            "ask_salary",
            "客户服务管理师",
            (("ask_salary", 0.97), ("greet", 0.03)),
            "ask_overview",
        ),
        # "还要做啥" asks for duties, which a student's wording had made an education question
        (
            "大二学生暑假想做在线客服兼职,这活儿除了回答问题还要做啥",
            "ask_education",
            "客服专员",
            (("ask_education", 0.73), ("compare_roles", 0.08), ("goodbye", 0.04)),
            "ask_duties",
        ),
    ],
    ids=[
        "classifier-runner-up",
        "neighbouring-topic",
        "neighbouring-topic-over-a-weak-runner-up",
        "neighbouring-topic-back",
        "cities-to-outlook",
        "day-to-duties",
        "facts-naming-the-topic",
        "duties-words",
    ],
)
async def test_a_topic_not_covered_says_so_then_gives_a_related_one(
    dispatcher, domain, kb, text, intent, role, ranking, related
):
    events = await ask(dispatcher, domain, text, intent, role, *ranking)
    reply = texts(dispatcher)
    not_covered = render.answer(kb, Query(intent, role)).text
    assert not_covered.startswith("知识库中没有") and reply.startswith(not_covered)
    assert f"相关的内容——{role}的{TOPIC_NAMES[related]}:" in reply
    related_answer = render.answer(kb, Query(related, role))
    assert related_answer.text.split("\n", 1)[1] in reply
    slots = slot_events(events)
    assert slots["topic"] == intent  # still what was asked
    assert slots["last_sources"] == related_answer.cited


async def test_a_topic_named_and_found_likely_is_answered_though_not_covered(
    dispatcher, domain, kb
):
    """The words "哪几类公司" name the employers, which the classifier ranks second; 客服主管
    has none, so the reply says so first, before the career path it was read as."""
    text = "做了几年酒店前台,想转去当客服主管,除了酒店,还有哪几类公司最需要这个岗位"
    ranking = (("ask_career_path", 0.64), ("ask_employers", 0.32))
    role = [{**ent("role", "客服主管"), "start": 13, "end": 17}]
    await ask(dispatcher, domain, text, "ask_career_path", role, *ranking)
    not_covered = render.answer(kb, Query("ask_employers", "客服主管")).text
    assert not_covered.startswith("知识库中没有") and texts(dispatcher).startswith(not_covered)


@pytest.mark.parametrize(
    "ranking",
    [
        (("ask_benefits", 0.97), ("ask_outlook", 0.02)),  # too unlikely
        (("ask_benefits", 0.5), ("ask_employers", 0.3), ("greet", 0.1)),  # nothing answerable
        (
            ("ask_benefits", 0.5),
            ("greet", 0.2),
            ("thank", 0.1),
            ("goodbye", 0.1),
            ("ask_outlook", 0.1),
        ),  # not among the likeliest three
    ],
)
async def test_no_related_topic_unless_likely_and_covered(dispatcher, domain, ranking):
    # benefits have no neighbouring topic, so only the classifier's runners-up could be offered
    await ask(dispatcher, domain, "当客服主管有什么好处", "ask_benefits", "客服主管", *ranking)
    text = texts(dispatcher)
    assert text.startswith("知识库中没有关于客服主管福利待遇的内容。")
    assert "相关的内容" not in text


async def test_a_covered_topic_never_gets_a_related_one(dispatcher, domain):
    ranking = (("ask_outlook", 0.6), ("ask_duties", 0.4))
    await ask(dispatcher, domain, "客服主管前景怎么样", "ask_outlook", "客服主管", *ranking)
    assert "相关的内容" not in texts(dispatcher) and "人才短缺" in texts(dispatcher)


async def test_a_topic_the_message_names_comes_before_the_classifiers_runner_up(dispatcher, domain):
    text = "工作四年的客服组长,换到不同规模的城市去,月薪差距一般有多大?"
    entities = [
        {**ent("experience", "四年"), "start": 2, "end": 4},
        {**ent("role", "客服主管"), "start": 5, "end": 9},
    ]
    ranking = (("ask_cities", 0.9), ("ask_outlook", 0.08))
    await ask(dispatcher, domain, text, "ask_cities", entities, *ranking)
    reply = texts(dispatcher)
    assert reply.startswith("知识库中没有关于客服主管需求城市的内容。")
    assert "相关的内容——中级客服主管的薪资:" in reply
    assert "12000-18000" in reply and "9000-13000" in reply and "7000-10000" in reply
    assert "人才短缺" not in reply  # not the outlook


async def test_an_item_the_question_names_is_answered_after_the_topic(dispatcher, domain, kb):
    text = "制造业的工厂也招客服吗?那边的客服岗一般叫什么名字?"
    events = await ask(dispatcher, domain, text, "ask_role_names", "客服专员")
    reply = texts(dispatcher)
    names = render.answer(kb, Query("ask_role_names", "客服专员"))
    assert reply.startswith(names.text + "\n\n您提到的制造业(客服专员的所属行业):")
    industry = next(f for f in kb.facts("客服专员", "industries") if f.value == "制造业")
    quote = {"source": industry.provenance.source_id, "quote": industry.provenance.quote}
    assert quote in slot_events(events)["last_sources"]
    assert slot_events(events)["topic"] == "ask_role_names"


@pytest.mark.parametrize(
    "text, ranking, heading",
    [
        # 升成 is no word for the career path; 一天的工作 names the day
        (
            "升成团队主管之后,一天的工作大概是怎么安排的?",
            (("ask_career_path", 0.82), ("ask_daily_routine", 0.17)),
            "客服主管的典型的一天:",
        ),
        (
            "是什么在推动客服主管岗位的需求往上走?",
            (("ask_career_path", 0.81), ("ask_outlook", 0.19)),
            "客服主管的就业前景:",
        ),
    ],
)
async def test_words_naming_one_likely_topic_outweigh_the_classifiers_choice(
    dispatcher, domain, text, ranking, heading
):
    events = await ask(dispatcher, domain, text, ranking[0][0], "客服主管", *ranking)
    assert texts(dispatcher).startswith(heading)
    assert slot_events(events)["topic"] == ranking[1][0]


@pytest.mark.parametrize(
    "text, role, ranking, heading",
    [
        # 行业 names the industries, but the classifier all but rules them out and the words
        # match the outlook's facts as well as the industries'
        (
            "客服专员这行是不是夕阳行业",
            [{**ent("role", "客服专员"), "start": 0, "end": 4}],
            (("ask_outlook", 0.99), ("ask_industries", 0.01)),
            "客服专员的就业前景:",
        ),
        # 培训 names skills, which the store lacks for 客户服务管理师: its duties answer
        (
            "客服管理人员除了给员工做培训,还要负责哪些管理模块?",
            "客户服务管理师",
            (("ask_duties", 0.9), ("ask_skills", 0.08)),
            "客户服务管理师的职责:",
        ),
    ],
)
async def test_the_classifiers_choice_stays_unless_the_named_topic_is_backed_and_covered(
    dispatcher, domain, text, role, ranking, heading
):
    await ask(dispatcher, domain, text, ranking[0][0], role, *ranking)
    assert texts(dispatcher).startswith(heading)


async def test_a_city_the_question_names_adds_what_the_role_s_documents_say_of_it(
    dispatcher, domain
):
    entities = [ent("role", "客服总监"), ent("city", "深圳")]
    text = "深圳的客服总监需求为什么一直在增加?"
    await ask(dispatcher, domain, text, "ask_outlook", entities)
    reply = texts(dispatcher)
    assert reply.startswith("客服总监的就业前景:")
    assert "\n\n您提到的深圳(客服总监的需求城市):\n· 深圳:高科技企业众多" in reply
    assert "北京:" not in reply  # only the city named


@pytest.mark.parametrize(
    "text, intent, noted",
    [
        ("杭州的客服总监需求量在全国排第几?", "ask_outlook", True),
        ("杭州的客服总监工资多少?", "ask_salary", False),  # there the city is its tier
        ("客服总监在哪些城市吃香,杭州算吗?", "ask_cities", False),  # the list is the answer
    ],
)
async def test_a_city_the_role_s_documents_leave_out_gets_the_cities_they_list(
    dispatcher, domain, text, intent, noted
):
    entities = [ent("role", "客服总监"), ent("city", "杭州")]
    await ask(dispatcher, domain, text, intent, entities)
    reply = texts(dispatcher)
    note = "\n\n您提到的杭州:文档在客服总监的需求城市里没有提到;列出的是:\n· 北京:"
    assert (note in reply) is noted
    if noted:
        assert "· 上海:" in reply and "· 深圳:" in reply
        assert "来源:《中国客服总监(高端运营职位)职业具体是做什么的》" in reply.split("杭州:")[-1]


async def test_a_city_in_a_salary_question_is_its_tier_not_an_item(dispatcher, domain):
    entities = [ent("role", "客服总监"), ent("city", "深圳")]
    await ask(dispatcher, domain, "深圳的客服总监年薪多少", "ask_salary", entities)
    reply = texts(dispatcher)
    assert reply.startswith("一线城市客服总监的薪资:")
    assert "您提到的" not in reply and "高科技企业众多" not in reply


@pytest.mark.parametrize(
    "text, intent, role, heading",
    [
        ("不是,我问的是客服经理", "deny", "客服经理", "客服经理的薪资:"),
        # the yes names another topic, which 客服经理's documents lack
        ("对,客服经理要考什么证书", "affirm", "客服经理", "知识库中没有关于客服经理证书的内容。"),
    ],
)
async def test_a_yes_or_no_with_details_follows_up_the_question_before(
    dispatcher, domain, text, intent, role, heading
):
    slots = {"role": "客服主管", "topic": "ask_salary"}
    events = await run(
        dispatcher, domain, text=text, intent=intent, entities=[ent("role", role)], slots=slots
    )
    assert texts(dispatcher).startswith(heading)
    assert slot_events(events)["role"] == role


def _clauses(*readings):
    """What bot.nlu.clauses records: each question of the message with its intent."""
    return [
        {"text": text, "intent": {"name": intent, "confidence": confidence}}
        for text, intent, confidence in readings
    ]


async def test_each_question_of_a_message_is_answered_in_turn(dispatcher, domain, kb):
    text = "客户服务主管在公司里是什么定位?主要负责哪一块?"
    clauses = _clauses(
        ("客户服务主管在公司里是什么定位", "ask_overview", 0.93),
        ("主要负责哪一块", "ask_duties", 0.98),
    )
    events = await run(
        dispatcher, domain, text=text, intent="ask_duties",
        entities=[ent("role", "客服主管")], clauses=clauses,
    )  # fmt: skip
    duties = render.answer(kb, Query("ask_duties", "客服主管"))
    overview = render.answer(kb, Query("ask_overview", "客服主管"))
    assert texts(dispatcher) == f"{duties.text}\n\n{overview.text}"
    slots = slot_events(events)
    assert slots["topic"] == "ask_duties"  # the message's own reading leads
    assert slots["last_sources"] == duties.cited + [
        c for c in overview.cited if c not in duties.cited
    ]


@pytest.mark.parametrize("first, added", [("面对哪些挑战", True), ("现在处境如何", False)])
async def test_a_question_that_names_its_reading_s_topic_is_added_at_lower_confidence(
    dispatcher, domain, kb, first, added
):
    text = f"听说AI客服越来越多,客服专员这行{first}?会不会被机器抢饭碗"
    clauses = _clauses(
        (f"听说AI客服越来越多,客服专员这行{first}", "ask_challenges", 0.79),
        ("会不会被机器抢饭碗", "ask_outlook", 0.99),
    )
    await run(
        dispatcher, domain, text=text, intent="ask_outlook",
        entities=[ent("role", "客服专员")], clauses=clauses,
    )  # fmt: skip
    outlook = render.answer(kb, Query("ask_outlook", "客服专员")).text
    challenges = render.answer(kb, Query("ask_challenges", "客服专员")).text
    assert texts(dispatcher) == (f"{outlook}\n\n{challenges}" if added else outlook)


async def test_a_related_topic_is_never_one_the_message_gets_anyway(dispatcher, domain, kb):
    text = "客服管理师分几个职业等级?收入大概什么样"
    clauses = _clauses(
        ("客服管理师分几个职业等级", "ask_certification", 0.99),
        ("收入大概什么样", "ask_salary", 0.99),
    )
    ranking = [
        {"name": "ask_salary", "confidence": 0.64},
        {"name": "ask_certification", "confidence": 0.36},
    ]
    await run(
        dispatcher, domain, text=text, intent="ask_salary", intent_ranking=ranking,
        entities=[ent("role", "客户服务管理师")], clauses=clauses,
    )  # fmt: skip
    reply = texts(dispatcher)
    certificates = render.answer(kb, Query("ask_certification", "客户服务管理师"))
    overview = render.answer(kb, Query("ask_overview", "客户服务管理师"))
    assert reply.startswith("知识库中没有客户服务管理师的薪资信息。")
    assert reply.count(certificates.text) == 1
    assert f"相关的内容——{overview.text}" in reply and "试用期1000左右" in reply


async def test_a_fragment_read_fairly_confidently_is_not_added(dispatcher, domain, kb):
    text = "客服总监是不是就到顶了?后面还有没有更高的位置可以发展"
    clauses = _clauses(
        ("客服总监是不是就到顶了", "inform", 0.98),
        ("后面还有没有更高的位置可以发展", "ask_outlook", 0.84),  # the path, read alone
    )
    await run(
        dispatcher, domain, text=text, intent="ask_career_path", confidence=0.55,
        entities=[ent("role", "客服总监")], clauses=clauses,
    )  # fmt: skip
    reply = texts(dispatcher)
    assert reply.startswith(render.answer(kb, Query("ask_career_path", "客服总监")).text)
    assert render.answer(kb, Query("ask_outlook", "客服总监")).text not in reply


@pytest.mark.parametrize(
    "reading",
    [
        ("客服经理每天干什么", "ask_daily_routine", 0.9),  # no typical day for 客服经理
        ("客服经理累不累", "nlu_fallback", 0.45),  # a question read with no confidence
        ("好的谢谢你", "thank", 0.99),  # no question
    ],
)
async def test_only_questions_read_confidently_and_answerable_are_added(
    dispatcher, domain, kb, reading
):
    text = f"客服经理还叫什么?{reading[0]}?"
    clauses = _clauses(("客服经理还叫什么", "ask_role_names", 0.9), reading)
    await run(
        dispatcher, domain, text=text, intent="ask_role_names",
        entities=[ent("role", "客服经理")], clauses=clauses,
    )  # fmt: skip
    assert texts(dispatcher) == render.answer(kb, Query("ask_role_names", "客服经理")).text


async def test_a_topic_not_covered_is_followed_by_the_one_its_words_point_to(dispatcher, domain):
    # 客服专员 has no typical day; its outlook speaks of 远程工作 and 虚拟客服中心, which the
    # question's words point to, ahead of the neighbouring duties
    text = "以后做客服人员能不能在家远程上班?工作场景会有哪些变化?"
    await ask(
        dispatcher, domain, text, "ask_daily_routine", "客服专员", ("ask_daily_routine", 0.97)
    )
    reply = texts(dispatcher)
    assert reply.startswith("知识库中没有关于客服专员典型的一天的内容。")
    assert "相关的内容——客服专员的就业前景:" in reply and "远程工作" in reply


@pytest.mark.parametrize(
    "text, intent, role, alongside",
    [
        # the figures, then what they depend on
        ("同样是客服部总监,为什么有人年薪高有人年薪低?", "ask_salary", "客服总监",
         "ask_salary_factors"),
        # the path, then its ceiling (the challenges say how to get past 职场天花板)
        ("做到客服总监好像就到顶了,瓶颈期怎样才能再往上走?", "ask_career_path", "客服总监",
         "ask_challenges"),
        ("客服总监已经到顶了,下一步去哪", "ask_career_path", "客服总监", "ask_challenges"),
        ("做了多年客服总监,晋升卡住不动了,怎么破局?", "ask_career_path", "客服总监",
         "ask_challenges"),
        # the drawbacks, then where the job leads
        ("干售后客服是不是吃青春饭?能往哪升?", "ask_challenges", "客服专员", "ask_career_path"),
        # the outlook, then what to learn for it
        ("机器人客服越来越多,人工客服得学点啥新本事才不会被淘汰", "ask_outlook", "客服专员",
         "ask_skills"),
        # the duties, then what the role is for
        ("投资人建议设个客服总监。这个职位到底负责什么,值不值得设?", "ask_duties", "客服总监",
         "ask_overview"),
    ],
)  # fmt: skip
async def test_a_topic_the_words_name_alongside_the_reading_is_answered_after_it(
    dispatcher, domain, kb, text, intent, role, alongside
):
    events = await ask(dispatcher, domain, text, intent, role)
    first = render.answer(kb, Query(intent, role))
    then = render.answer(kb, Query(alongside, role))
    assert texts(dispatcher) == f"{first.text}\n\n{then.text}"
    assert slot_events(events)["topic"] == intent  # a follow-up asks about the reading


@pytest.mark.parametrize(
    "confidence, heading", [(0.53, "客服主管的职责:"), (0.9, "客服主管的晋升路径:")]
)
async def test_an_unsure_reading_gives_way_to_the_topic_the_words_name(
    dispatcher, domain, confidence, heading
):
    ranked = [{"name": "ask_career_path", "confidence": confidence}]
    text = "准备提拔一个客服组长,当组长要管哪几摊事?"
    await run(
        dispatcher, domain, text=text, intent="ask_career_path", confidence=confidence,
        entities=[ent("role", "客服主管")], intent_ranking=ranked,
    )  # fmt: skip
    assert texts(dispatcher).startswith(heading)


@pytest.mark.parametrize(
    "entities, heading",
    [
        ([ent("role", "客服专员"), ent("experience", "资深")], "资深客服专员的薪资"),
        ([ent("role", "客服专员")], "客服专员的晋升路径:"),
    ],
)
async def test_the_pay_named_with_a_detail_pay_is_stored_by_outweighs_a_sure_classifier(
    dispatcher, domain, entities, heading
):
    text = "话务员一直干下去熬成资深的,工资天花板在什么位置?"
    ranked = [{"name": "ask_career_path", "confidence": 0.98}]
    await run(
        dispatcher, domain, text=text, intent="ask_career_path", confidence=0.98,
        entities=entities, intent_ranking=ranked,
    )  # fmt: skip
    assert texts(dispatcher).startswith(heading)


async def test_a_question_about_what_the_pay_depends_on_is_not_a_pay_question(
    dispatcher, domain, kb
):
    """It names the pay and the tiers pay is stored by, yet asks why the figures differ."""
    text = "同样是客户体验总监,为什么一线城市开的比三线高那么多?还有什么会影响薪水"
    ranked = [{"name": "ask_salary_factors", "confidence": 0.81}]
    entities = [
        {**ent("role", "客服总监"), "start": 3, "end": 9},
        {**ent("city_tier", "一线"), "start": 13, "end": 17},  # 一线城市
        {**ent("city_tier", "三线及以下"), "start": 20, "end": 22},
    ]
    await run(
        dispatcher, domain, text=text, intent="ask_salary_factors", confidence=0.81,
        entities=entities, intent_ranking=ranked,
    )  # fmt: skip
    factors = render.answer(kb, Query("ask_salary_factors", "客服总监"))
    assert texts(dispatcher) == factors.text


async def test_how_much_two_jobs_pay_apart_compares_their_pay(dispatcher, domain, kb):
    text = "在天津,刚当上客服组长的和刚入行的普通客服,月薪能差多少?"
    entities = [
        {**ent("role", role), "start": text.index(said), "end": text.index(said) + len(said)}
        for role, said in (("客服主管", "客服组长"), ("客服专员", "普通客服"))
    ]
    await ask(dispatcher, domain, text, "ask_salary", entities)
    assert texts(dispatcher) == render.compare_answer(kb, ["客服主管", "客服专员"]).text


async def test_a_career_reading_that_asks_how_much_more_one_job_pays_compares_the_pay(
    dispatcher, domain, kb
):
    text = "客服经理比客服主管到底能多拿多少?我在犹豫要不要为了升一级跳槽"
    entities = [
        {**ent("role", role), "start": text.index(role), "end": text.index(role) + len(role)}
        for role in ("客服经理", "客服主管")
    ]
    await ask(dispatcher, domain, text, "ask_career_path", entities)
    assert texts(dispatcher) == render.compare_answer(kb, ["客服经理", "客服主管"]).text


@pytest.mark.parametrize(
    "text, heading",
    [
        ("客服主管和客服总监管的事到底差在哪?", "客服主管与客服总监对比(职责):"),
        ("客服主管和客服总监都要管哪些事?", "客服总监的职责:"),  # no difference asked
    ],
)
async def test_a_topic_question_asking_how_two_jobs_differ_compares_them(
    dispatcher, domain, text, heading
):
    entities = [
        {**ent("role", "客服主管"), "start": 0, "end": 4},
        {**ent("role", "客服总监"), "start": 5, "end": 9},
    ]
    events = await ask(dispatcher, domain, text, "ask_duties", entities)
    assert texts(dispatcher).startswith(heading)
    assert slot_events(events)["topic"] == "ask_duties"


@pytest.mark.parametrize(
    "text, heading",
    [
        ("客服总监的待遇里,薪水以外还包括哪些额外的东西?", "客服总监的福利待遇:"),
        ("客服总监的待遇里,年薪一般包括哪些东西?", "客服总监的薪资"),
    ],
)
async def test_words_that_set_the_classifiers_topic_aside_outweigh_it(
    dispatcher, domain, text, heading
):
    ranking = (("ask_salary", 0.67), ("ask_duties", 0.32))
    await ask(dispatcher, domain, text, "ask_salary", "客服总监", *ranking)
    assert texts(dispatcher).startswith(heading)


async def test_a_plain_salary_question_gets_the_figures_alone(dispatcher, domain, kb):
    await ask(dispatcher, domain, "客服总监年薪多少", "ask_salary", "客服总监")
    assert texts(dispatcher) == render.answer(kb, Query("ask_salary", "客服总监")).text


async def test_words_naming_a_topic_its_facts_clearly_hold_outweigh_a_sure_classifier(
    dispatcher, domain
):
    text = "客服班长有没有必要去上个CRM认证课程?"
    ranking = (("ask_skills", 0.99), ("ask_certification", 0.01))
    events = await ask(dispatcher, domain, text, "ask_skills", "客服主管", *ranking)
    assert texts(dispatcher).startswith("客服主管的证书:")
    assert "客户关系管理(CRM)认证课程:提高客户管理能力" in texts(dispatcher)
    assert slot_events(events)["topic"] == "ask_certification"


async def test_a_request_for_help_that_names_a_role_asks_about_the_role(dispatcher, domain, kb):
    text = "朋友问我客服主管是干嘛的,我该怎么跟他解释这个职位"
    ranking = (("help", 0.66), ("ask_duties", 0.19), ("compare_roles", 0.15))
    events = await ask(dispatcher, domain, text, "help", "客服主管", *ranking)
    assert texts(dispatcher) == render.answer(kb, Query("ask_overview", "客服主管")).text
    assert slot_events(events)["topic"] == "ask_overview"


async def test_a_request_for_help_that_names_a_role_and_no_topic_asks_which(dispatcher, domain):
    await ask(dispatcher, domain, "客服主管这块你能帮上我什么", "help", "客服主管")
    assert texts(dispatcher) == "您想了解客服主管的哪方面?"
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert all(p.startswith("/ask_") and "客服主管" in p for p in payloads) and payloads


@pytest.mark.parametrize(
    "read_as, heading",
    [("客服专员怎么晋升才快", "客服专员的晋升路径:"), (None, "客服专员的就业前景")],
)
async def test_the_words_are_read_as_the_nlu_repaired_them(dispatcher, domain, read_as, heading):
    repaired = {"read_as": read_as} if read_as else {}
    await run(
        dispatcher, domain, text="客服专员怎么进升才快", intent="ask_outlook", confidence=0.5,
        entities=[{**ent("role", "客服专员"), "start": 0, "end": 4}], **repaired,
    )  # fmt: skip
    assert texts(dispatcher).startswith(heading)
