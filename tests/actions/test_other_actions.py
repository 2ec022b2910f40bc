"""compare, sources, out of scope and clarification."""

import re

import pytest

from actions.actions import (
    ActionAnswer,
    ActionAnswerSource,
    ActionClarify,
    ActionCompareRoles,
    ActionOutOfScope,
)
from bot.knowledge.match import lead
from tests.actions.conftest import ent, make_tracker, slot_events, texts


async def compare(dispatcher, domain, text, *roles, slots=None):
    """The comparison action on `text` naming `roles`; its events."""
    entities = [ent("role", role) for role in roles]
    return await ActionCompareRoles().run(
        dispatcher, make_tracker(text, "compare_roles", entities, slots), domain
    )


async def test_compare_salary_notes_monthly_vs_annual(dispatcher, domain):
    events = await compare(
        dispatcher, domain, "客服主管和客服总监哪个工资高", "客服主管", "客服总监"
    )
    text = texts(dispatcher)
    assert text.startswith("客服主管与客服总监对比(薪资)")
    assert "18000-30000元/月" in text and "15万-25万元/年" in text
    assert "客服主管多以月薪表述" in text and "客服总监多以年薪表述" in text
    assert dispatcher.messages[-1]["custom"]["type"] == "comparison"
    assert slot_events(events)["last_sources"]


async def test_compare_with_one_named_role_uses_the_current_one(dispatcher, domain):
    await compare(dispatcher, domain, "跟客服经理比证书呢", "客服经理", slots={"role": "客服总监"})
    assert texts(dispatcher).startswith("客服总监与客服经理对比(证书)")


@pytest.mark.parametrize(
    "text, heading",
    [
        # 差距 is the difference asked about, not what the pay depends on
        ("客服经理跟客服总监薪水差多少?差距大不大", "客服经理与客服总监对比(薪资)"),
        ("客服经理跟客服总监差距大不大", "客服经理与客服总监对比(薪资影响因素)"),
    ],
)
async def test_compare_on_a_topic_not_the_one_asked_alongside_it(dispatcher, domain, text, heading):
    await compare(dispatcher, domain, text, "客服经理", "客服总监")
    assert texts(dispatcher).startswith(heading)


async def test_compare_naming_no_topic_is_on_pay_unless_a_role_has_none(dispatcher, domain):
    # The store has no pay for 客户服务管理师: the two are compared on what each job is.
    await compare(dispatcher, domain, "客服管理师跟普通客服有什么不一样", "客服管理师", "客服")
    text = texts(dispatcher)
    assert text.startswith("客户服务管理师与客服专员对比(岗位概况)")
    assert "对客户服务活动实施管理的人员" in text


async def test_a_comparison_of_one_role_answers_the_topic_its_words_name(dispatcher, domain):
    # Read as a comparison, with nothing to compare: 什么官 asks what the job is.
    await compare(dispatcher, domain, "亲戚问客服组长算个什么官", "客服组长")
    assert texts(dispatcher).startswith("客服主管的岗位概况")


async def test_compare_without_two_roles_asks(dispatcher, domain):
    await compare(dispatcher, domain, "对比一下")
    assert "两个岗位" in texts(dispatcher)


async def test_source_names_documents_with_publisher_date_and_quote(dispatcher, domain):
    cited = [
        {"source": "kefu-job-titles", "quote": "薪资范围通常在月薪20000-40000元之间"},
        {
            "source": "kefu-guanlishi",
            "quote": "而一些大企业的“客户服务主管、客户服务及管理高级专员”税后月收入约为1万元。",
        },
    ]
    await ActionAnswerSource().run(
        dispatcher, make_tracker("出处是哪里", "ask_source", slots={"last_sources": cited}), domain
    )
    text = texts(dispatcher)
    assert "《客服岗名称是什么》(含义网、2026-01-31)" in text
    assert "原文:“薪资范围通常在月薪20000-40000元之间”" in text
    assert "《客服管理师》" in text
    panel = dispatcher.messages[-1]["custom"]["sources"]
    assert [p["id"] for p in panel] == ["kefu-job-titles", "kefu-guanlishi"]


async def test_a_source_question_before_any_answer_that_names_a_job_is_read_as_a_question(
    dispatcher, domain
):
    text = "做售前客服除了回消息,听说还要整理咨询记录、做数据,这些也算客服的活吗?"
    entities = [{**ent("role", "客服专员"), "start": 1, "end": 5}]
    ranking = [
        {"name": "ask_source", "confidence": 0.76},
        {"name": "ask_duties", "confidence": 0.05},
    ]
    tracker = make_tracker(text, "ask_source", entities, intent_ranking=ranking)
    await ActionAnswerSource().run(dispatcher, tracker, domain)
    assert texts(dispatcher).startswith("客服专员的职责:")


async def test_source_before_any_answer(dispatcher, domain):
    await ActionAnswerSource().run(dispatcher, make_tracker("来源?", "ask_source"), domain)
    assert "还没有引用" in texts(dispatcher)


async def test_out_of_scope_lists_what_is_covered_without_numbers(dispatcher, domain):
    await ActionOutOfScope().run(dispatcher, make_tracker("今天天气怎么样", "out_of_scope"), domain)
    text = texts(dispatcher)
    assert "超出了我的范围" in text and "客服主管" in text and "薪资" in text
    assert not re.search(r"\d", text)
    assert dispatcher.messages[0]["buttons"]


async def test_out_of_scope_names_an_uncovered_job(dispatcher, domain):
    await ActionOutOfScope().run(dispatcher, make_tracker("律师怎么样", "out_of_scope"), domain)
    assert "没有关于律师的资料" in texts(dispatcher)


async def test_out_of_scope_answers_a_job_and_a_topic_it_names(dispatcher, domain):
    text = "以前在酒店前台干过,客服主管在哪些行当比较吃得开?"
    entities = [{**ent("role", "客服主管"), "start": 10, "end": 14}]
    events = await ActionOutOfScope().run(
        dispatcher, make_tracker(text, "out_of_scope", entities), domain
    )
    assert texts(dispatcher).startswith("客服主管的所属行业:")
    assert slot_events(events)["topic"] == "ask_industries"
    # a topic word with no job named stays out of scope
    dispatcher.messages.clear()
    await ActionOutOfScope().run(dispatcher, make_tracker("哪个行当最赚钱", "out_of_scope"), domain)
    assert "超出了我的范围" in texts(dispatcher)


async def test_clarify_offers_the_likeliest_questions(dispatcher, domain):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "ask_skills", "confidence": 0.3},
        {"name": "ask_education", "confidence": 0.2},
        {"name": "greet", "confidence": 0.1},
    ]
    await ActionClarify().run(
        dispatcher,
        make_tracker("那个", "nlu_fallback", slots={"role": "客服经理"}, intent_ranking=ranking),
        domain,
    )
    (message,) = dispatcher.messages
    assert message["text"] == "抱歉,我没太明白。您是想问:"
    assert [b["title"] for b in message["buttons"]] == ["客服经理所需技能", "客服经理学历要求"]
    assert message["buttons"][0]["payload"] == '/ask_skills{"role": "客服经理"}'


async def test_compare_two_names_of_one_role_says_they_are_the_same(dispatcher, domain):
    # The synonym mapper makes both values canonical; the typed words come from the spans.
    text = "客户服务总监和客户体验总监是一回事吗"
    entities = [
        {"entity": "role", "value": "客服总监", "start": 0, "end": 6},
        {"entity": "role", "value": "客服总监", "start": 7, "end": 13},
    ]
    events = await ActionCompareRoles().run(
        dispatcher, make_tracker(text, "compare_roles", entities), domain
    )
    reply = texts(dispatcher)
    assert reply.startswith("客户服务总监、客户体验总监都是客服总监的叫法,指的是同一个岗位。")
    assert "客户运营总监" in reply and "——来源:" in reply  # the documented names, cited
    assert "请告诉我要对比的两个岗位" not in reply
    slots = slot_events(events)
    assert slots["role"] == "客服总监" and slots["topic"] == "ask_role_names"
    assert slots["last_sources"]


FALLBACK_RANKING = [
    {"name": "nlu_fallback", "confidence": 0.45},
    {"name": "ask_career_path", "confidence": 0.35},
    {"name": "ask_cities", "confidence": 0.29},
    {"name": "ask_education", "confidence": 0.25},
    {"name": "ask_benefits", "confidence": 0.1},
]


async def clarify(dispatcher, domain, text, ranking, role="客服总监"):
    """action_clarify on a low-confidence message about `role` (None: no role said)."""
    entities = [ent("role", role)] if role else []
    tracker = make_tracker(text, "nlu_fallback", entities=entities, intent_ranking=ranking)
    return await ActionClarify().run(dispatcher, tracker, domain)


async def test_clarify_answers_a_topic_the_text_names_and_the_classifier_half_saw(
    dispatcher, domain
):
    text = "打算跳槽做客户运营总监,简历该往哪些城市投"
    events = await clarify(dispatcher, domain, text, FALLBACK_RANKING)
    answer = texts(dispatcher)
    assert answer.startswith("客服总监的需求城市") and "北京" in answer and "来源" in answer
    assert slot_events(events)["topic"] == "ask_cities"
    assert slot_events(events)["role"] == "客服总监"


@pytest.mark.parametrize(
    "text, ranking",
    [
        # the named topic (福利) is only the classifier's 4th guess
        ("客服总监简历该往哪里投,福利怎么样", FALLBACK_RANKING),
        # two topics named (城市 and 学历): which one is meant is the question
        ("客服总监在哪些城市要什么学历", FALLBACK_RANKING),
        # no topic named at all
        ("客服总监那个呢", FALLBACK_RANKING),
    ],
)
async def test_clarify_still_asks_when_the_text_does_not_settle_it(
    dispatcher, domain, text, ranking
):
    events = await clarify(dispatcher, domain, text, ranking)
    (message,) = dispatcher.messages
    assert message["text"] == "抱歉,我没太明白。您是想问:"
    assert set(slot_events(events)) == {"script"}  # no topic, role or answer


async def test_clarify_answers_a_topic_and_the_one_its_words_ask_alongside(dispatcher, domain):
    text = "两家公司都招客服总监,开的年薪却差了快一倍,这种差距一般是怎么来的?"
    events = await clarify(dispatcher, domain, text, FALLBACK_RANKING)
    reply = texts(dispatcher)
    assert reply.startswith("客服总监的薪资") and "\n\n客服总监的薪资影响因素:" in reply
    assert "企业规模" in reply and "您是想问" not in reply
    assert slot_events(events)["topic"] == "ask_salary"


def _tie(first, second, threshold=0.45):
    return [
        {"name": "nlu_fallback", "confidence": threshold},
        {"name": "ask_overview", "confidence": first},
        {"name": "ask_duties", "confidence": second},
    ]


# The threshold is config.yml's; the ranking says which one the model ran with.
@pytest.mark.parametrize("ranking", [_tie(0.50, 0.49), _tie(0.42, 0.41, threshold=0.4)])
async def test_clarify_answers_both_topics_the_classifier_is_split_between(
    dispatcher, domain, ranking
):
    text = "为什么说客服总监是高端运营职位?核心职责是什么?"
    events = await clarify(dispatcher, domain, text, ranking)
    reply = texts(dispatcher)
    assert reply.startswith("客服总监的岗位概况:") and "\n\n客服总监的职责:" in reply
    assert "您是想问" not in reply
    slots = slot_events(events)
    assert slots["topic"] == "ask_overview" and slots["role"] == "客服总监"
    sources = {c["source"] for c in slots["last_sources"]}
    assert sources == {"kefu-zongjian-role"}


async def test_both_answers_to_a_split_message_add_an_item_it_names_once(dispatcher, domain):
    text = "客服总监是什么职位?考了质量管理体系内审员以后具体负责什么?"
    await clarify(dispatcher, domain, text, _tie(0.50, 0.49))
    reply = texts(dispatcher)
    assert reply.startswith("客服总监的岗位概况:") and "\n\n客服总监的职责:" in reply
    assert reply.count("您提到的质量管理体系内审员(客服总监的证书):") == 1
    assert reply.endswith("——来源:《中国客服总监(高端运营职位)职业具体是做什么的》")


@pytest.mark.parametrize(
    "ranking, role",
    [
        (_tie(0.50, 0.44), "客服总监"),  # the second reading is not confident enough
        (_tie(0.50, 0.49)[1:], "客服总监"),  # no fallback in the ranking: no threshold
        (_tie(0.50, 0.49), None),  # no role: which one is asked first
    ],
)
async def test_clarify_still_asks_unless_both_readings_are_confident_and_answerable(
    dispatcher, domain, ranking, role
):
    # words no fact of the role holds clearly (bot.knowledge.match) either
    await clarify(dispatcher, domain, "这个怎么样?都有些啥?", ranking, role)
    (message,) = dispatcher.messages
    assert message["text"] == "抱歉,我没太明白。您是想问:"


def _spans(text, *said_as):
    """Role entities for the words in `text`, all canonical 客服总监 or 客服专员 as mapped."""
    canonical = {"客服": "客服专员", "客户支持专员": "客服专员"}
    return [
        {"entity": "role", "value": canonical.get(w, "客服总监"), "start": s, "end": s + len(w)}
        for w in said_as
        for s in [text.index(w)]
    ]


@pytest.mark.parametrize(
    "action, intent",
    [(ActionAnswer, "ask_platforms"), (ActionClarify, "nlu_fallback")],
)
async def test_asking_whether_two_names_are_one_job_is_answered_whatever_the_intent(
    dispatcher, domain, action, intent
):
    text = "招聘网站上的客户体验总监、客户运营总监,跟客服总监是同一个职位吗?"
    entities = _spans(text, "客户体验总监", "客户运营总监", "客服总监")
    tracker = make_tracker(text, intent, entities, intent_ranking=FALLBACK_RANKING)
    events = await action().run(dispatcher, tracker, domain)
    reply = texts(dispatcher)
    assert reply.startswith("客户体验总监、客户运营总监都是客服总监的叫法,指的是同一个岗位。")
    assert "客户服务总监" in reply  # the documented names follow
    assert slot_events(events)["topic"] == "ask_role_names"


async def test_two_names_of_one_role_without_the_question_get_the_topic(dispatcher, domain):
    text = "刚入职的客户支持专员,整理分析投诉数据,这算客服的本职工作吗?"
    entities = _spans(text, "客户支持专员", "客服")
    await ActionAnswer().run(dispatcher, make_tracker(text, "ask_duties", entities), domain)
    reply = texts(dispatcher)
    assert reply.startswith("客服专员的职责")
    assert "叫法" not in reply


async def test_one_other_name_beside_the_roles_own_reads_as_another_name(dispatcher, domain):
    text = "客户体验总监和客服总监是同一个岗位吗"
    entities = _spans(text, "客户体验总监", "客服总监")
    await ActionClarify().run(dispatcher, make_tracker(text, "nlu_fallback", entities), domain)
    assert texts(dispatcher).startswith("客户体验总监是客服总监的另一种叫法,指的是同一个岗位。")


async def test_compare_on_the_topic_the_question_words_name(dispatcher, domain):
    text = "客服经理和客服总监算相邻岗位吗?跟它们相关的职位还有哪些?"
    roles = [ent("role", "客服经理"), ent("role", "客服总监")]
    events = await ActionCompareRoles().run(
        dispatcher, make_tracker(text, "compare_roles", roles), domain
    )
    reply = texts(dispatcher)
    assert reply.startswith("客服经理与客服总监对比(岗位概况)")
    assert "客户体验经理及运营总监" in reply and "元/月" not in reply
    assert slot_events(events)["topic"] == "ask_overview"


async def test_clarify_answers_the_questions_that_read_clearly_one_by_one(dispatcher, domain):
    text = "客服总监的一天都干嘛,嗯?还有就是要哪些证书?"
    clauses = [
        {
            "text": "客服总监的一天都干嘛",
            "intent": {"name": "ask_daily_routine", "confidence": 0.9},
        },
        {"text": "还有就是要哪些证书", "intent": {"name": "ask_certification", "confidence": 0.8}},
    ]
    tracker = make_tracker(
        text,
        "nlu_fallback",
        [ent("role", "客服总监")],
        intent_ranking=FALLBACK_RANKING,
        clauses=clauses,
    )
    events = await ActionClarify().run(dispatcher, tracker, domain)
    reply = texts(dispatcher)
    assert reply.startswith("客服总监的典型的一天:") and "\n\n客服总监的证书:" in reply
    assert "您是想问" not in reply
    assert slot_events(events)["topic"] == "ask_daily_routine"


async def test_clarify_answers_the_topic_whose_facts_hold_the_questions_words(
    dispatcher, domain, kb
):
    text = "客户服务管理师要不要搭建整个客户服务管理体系?"
    events = await clarify(dispatcher, domain, text, FALLBACK_RANKING, role="客户服务管理师")
    reply = texts(dispatcher)
    assert reply.startswith("客户服务管理师的职责:")
    assert "客户服务管理体系的策划" in reply and "——来源:" in reply
    assert slot_events(events)["topic"] == "ask_duties"


async def test_clarify_still_asks_when_two_topics_hold_the_words_alike(dispatcher, domain, kb):
    # 城市 and 学历: the cities' and the education's facts match about as well
    text = "客服总监在哪些城市要什么学历"
    found = kb.topics_matching("客服总监", "在哪些城市要什么学历")
    assert lead(found) < 0.2
    await clarify(dispatcher, domain, text, FALLBACK_RANKING)
    assert texts(dispatcher) == "抱歉,我没太明白。您是想问:"


async def test_a_comparison_naming_one_role_answers_what_its_words_ask(dispatcher, domain, kb):
    text = "同樣是客戶體驗總監,大公司和小公司開的薪水差很多嗎?哪些因素會拉開差距?"
    ranking = [{"name": "compare_roles", "confidence": 0.51}]
    tracker = make_tracker(text, "compare_roles", [ent("role", "客服总监")], intent_ranking=ranking)
    events = await ActionCompareRoles().run(dispatcher, tracker, domain)
    reply = texts(dispatcher)
    assert reply.startswith("客服總監的薪資影響因素:") and "企業規模" in reply
    assert "請告訴我要對比的兩個崗位" not in reply
    assert slot_events(events)["topic"] == "ask_salary_factors"


@pytest.mark.parametrize(
    "cities, opening",
    [(["上海", "深圳"], "客服总监的需求城市:"), (["上海"], "请告诉我要对比的两个岗位")],
)
async def test_a_comparison_naming_one_role_and_two_cities_compares_the_cities(
    dispatcher, domain, cities, opening
):
    text = "都说上海和深圳客服总监的岗位多,这两个地方分别是什么原因?"
    entities = [ent("role", "客服总监"), *(ent("city", c) for c in cities)]
    ranking = [{"name": "compare_roles", "confidence": 0.96}]
    tracker = make_tracker(text, "compare_roles", entities, intent_ranking=ranking)
    await ActionCompareRoles().run(dispatcher, tracker, domain)
    reply = texts(dispatcher)
    assert reply.startswith(opening)
    if len(cities) > 1:
        assert "上海:经济繁荣,外资企业集中" in reply and "深圳:高科技企业众多" in reply


async def test_a_comparison_naming_one_role_and_no_topic_still_asks_for_two(dispatcher, domain):
    tracker = make_tracker("客服总监比一比", "compare_roles", [ent("role", "客服总监")])
    await ActionCompareRoles().run(dispatcher, tracker, domain)
    assert texts(dispatcher).startswith("请告诉我要对比的两个岗位")
