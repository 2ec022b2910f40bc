import re

import pytest

from bot.knowledge import TOPICS
from bot.knowledge.lexicon import Lexicon
from bot.query import INTENT_TOPICS, TOPIC_NAMES, resolve


def e(entity, value):
    return {"entity": entity, "value": value}


@pytest.mark.parametrize(
    "entities, slots, expected",
    [
        ([e("role", "客户体验总监")], {}, ("客服总监", None, None)),
        ([e("city", "深圳")], {"role": "客服主管"}, ("客服主管", "一线", None)),
        ([e("city_tier", "新一线城市")], {}, (None, "二线", None)),
        ([e("experience", "干了")], {"experience": "中级"}, (None, None, "中级")),
        ([e("experience", "两年多")], {}, (None, None, "中级")),
        ([e("experience", "应届生")], {}, (None, None, "入门")),
        ([e("experience", "5年以上")], {}, (None, None, "资深")),
        ([e("experience", "五六年")], {}, (None, None, "资深")),
        ([e("experience", "三四年")], {}, (None, None, "中级")),
        ([e("experience", "三到五年")], {}, (None, None, "中级")),
        ([e("experience", "4个年头")], {}, (None, None, "中级")),
        ([e("experience", "七八个年头")], {}, (None, None, "资深")),
        (
            [],
            {"role": "客服组长", "city_tier": "二线城市", "experience": "4年"},
            ("客服主管", "二线", "中级"),
        ),
        ([e("role", "客服主管"), e("role", "客服总监")], {}, ("客服总监", None, None)),
    ],
)
def test_entities_win_over_slots_and_are_canonical(kb, entities, slots, expected):
    q = resolve(kb, "ask_salary", "", entities, slots)
    assert (q.role, q.tier, q.band) == expected


def test_topic_comes_from_the_intent_or_the_remembered_question(kb):
    assert resolve(kb, "ask_skills", "", [], {"topic": "ask_salary"}).topic == "ask_skills"
    assert resolve(kb, "inform", "", [], {"topic": "ask_salary"}).topic == "ask_salary"
    assert resolve(kb, "inform", "", [], {}).topic is None


@pytest.mark.parametrize(
    "detail", [("city", "深圳"), ("city_tier", "一线"), ("experience", "两年")]
)
def test_details_only_pay_is_stored_by_ask_about_pay_when_nothing_was_asked_before(kb, detail):
    said = [e("role", "客服主管"), e(*detail)]
    assert resolve(kb, "inform", "那深圳呢?我说的是才做了两年的客服主管", said, {}).topic == (
        "ask_salary"
    )
    assert resolve(kb, "inform", "", said, {"topic": "ask_duties"}).topic == "ask_duties"
    assert resolve(kb, "inform", "", [e("role", "客服主管")], {}).topic is None


def test_uncovered_job_and_place(kb):
    assert resolve(kb, "ask_salary", "程序员工资多少", [], {}).other_role == "程序员"
    assert (
        resolve(kb, "ask_salary", "客服主管和程序员", [e("role", "客服主管")], {}).other_role
        is None
    )
    assert resolve(kb, "ask_salary", "拉萨市客服工资", [], {}).unknown_place == "拉萨"
    assert resolve(kb, "ask_salary", "哪个城市客服工资高", [], {}).unknown_place is None
    assert resolve(kb, "ask_salary", "小城市客服工资", [], {}).unknown_place is None


@pytest.mark.parametrize(
    "text", ["魔都客服主管,现在月薪拿多少是市场价", "客服主管的市价", "超市客服工资多少"]
)
def test_market_words_are_not_place_names(kb, text):
    # 市 in 市场/市价 or 超市 is not "X市"; 多少是市场价 once asked about a city "多少是".
    q = resolve(kb, "ask_salary", text, [e("city", "魔都")], {})
    assert q.unknown_place is None
    assert q.tier == "一线"


@pytest.mark.parametrize(
    "text", ["成都某上市公司的客服总监,年薪大概几何", "成都股市不好,客服总监年薪会降吗"]
)
def test_listed_companies_and_markets_are_not_place_names(kb, text):
    q = resolve(kb, "ask_salary", text, [e("role", "客服总监"), e("city", "成都")], {})
    assert (q.unknown_place, q.tier) == (None, "二线")


@pytest.mark.parametrize("said", ["第一年", "头一年", "刚当上", "刚升上"])
def test_someone_new_in_the_role_is_at_its_entry_band(kb, said):
    text = f"在深圳{said}客户运营总监,年薪大概多少"
    q = resolve(kb, "ask_salary", text, [e("role", "客户运营总监"), e("experience", said)], {})
    assert (q.role, q.tier, q.band) == ("客服总监", None, "入门")


@pytest.mark.parametrize(
    "text, years",
    [
        ("我带队已经是第4个年头了", "4个年头"),
        ("干了七八个年头", "七八个年头"),
        ("五年以上", "五年以上"),
        ("带客服团队十二年的主管", "十二年"),
        ("入行二十年了", "二十年"),
        ("干了十到十二年", "十到十二年"),
        ("一到两年经验", "一到两年"),
        ("杭州客服组长,入职一年多,每个月到手多少", "一年多"),
        ("做了一年半的客服", "一年半"),
        ("客服团队主管,工作一年左右,月薪多少", "一年左右"),
        ("天津的客服总监刚干满一年", "一年"),
        ("入职一年了,想问问行情", "一年"),
        ("要求一年以上经验", "一年以上"),
        ("北京的客服部总监干了十多年", "十多年"),
        ("做了20几年客服", "20几年"),
        ("芜湖的客户服务主管,上岗一年,月薪能有多少", "一年"),
        ("从业一年的在线客服", "一年"),
        ("深圳的坐席,我干了快一年", "一年"),
        ("将近一年的客服代表", "一年"),
    ],
)
def test_the_experience_pattern_finds_years_said_as_years_of_work(kb, text, years):
    assert re.search(Lexicon.load().years_regex, text).group(0) == years


@pytest.mark.parametrize(
    "text",
    [
        "一年能挣多少",
        "一年多少钱",
        "三年后会怎样",
        "孩子上三年级",
        "今年的行情",
        "干一年能挣多少",
        "工作一年多少钱",
        "工作一年的收入有多少",
    ],
)
def test_the_experience_pattern_skips_years_that_are_not_experience(text):
    assert re.search(Lexicon.load().years_regex, text) is None


@pytest.mark.parametrize("said", ["十二年", "十多年", "20几年", "十多个年头"])
def test_compound_numerals_give_their_band(kb, said):
    assert resolve(kb, "ask_salary", "", [e("experience", said)], {}).band == "资深"


@pytest.mark.parametrize("said", ["一年多", "一年半", "一年左右", "一年以上", "一年"])
def test_a_year_and_a_bit_is_entry_level(kb, said):
    assert resolve(kb, "ask_salary", "", [e("experience", said)], {}).band == "入门"


@pytest.mark.parametrize("said", ["没啥经验", "没什么经验", "没有经验", "零基础"])
def test_no_experience_said_casually_is_entry_level(kb, said):
    assert resolve(kb, "ask_salary", "", [e("experience", said)], {}).band == "入门"


def test_every_question_intent_maps_to_store_topics_and_a_name():
    assert set(INTENT_TOPICS) == set(TOPIC_NAMES)
    assert all(set(topics) <= set(TOPICS) for topics in INTENT_TOPICS.values())


def _at(text, value, said):
    start = text.rindex(said)  # the last place it is said
    return {"entity": "role", "value": value, "start": start, "end": start + len(said)}


def test_a_department_named_beside_a_job_is_not_the_role_asked_about(kb):
    text = "我是客服主管,管着一个十人的客服团队,月薪多少"
    entities = [_at(text, "客服主管", "客服主管"), _at(text, "客服", "客服")]
    assert resolve(kb, "ask_salary", text, entities, {}).role == "客服主管"
    # "客服这块" is the department too, so the user's own job is the one asked about.
    area = "广州一家4S店,客服这块我当客服主管四年了,同类岗位月薪多少"
    start = area.index("客服这块")
    said = [_at(area, "客服主管", "客服主管"), {**_at(area, "客服", "客服"), "start": start}]
    said[1]["end"] = start + 2
    assert resolve(kb, "ask_salary", area, said, {}).role == "客服主管"
    # Alone, 客服团队 still names the job, and two real jobs keep the later one.
    alone = "客服团队的工资多少"
    assert resolve(kb, "ask_salary", alone, [_at(alone, "客服", "客服")], {}).role == "客服专员"
    both = "客服主管和客服总监"
    named = [_at(both, "客服总监", "客服总监"), _at(both, "客服主管", "客服主管")]
    assert resolve(kb, "ask_salary", both, named, {}).role == "客服总监"


def test_a_traditional_message_finds_the_department_word_too(kb):
    text = "我是客服主管,管著一個客服團隊,薪水多少"
    entities = [_at(text, "客服主管", "客服主管"), _at(text, "客服", "客服")]
    assert resolve(kb, "ask_salary", text, entities, {}).role == "客服主管"


def test_a_career_question_from_one_role_to_another_keeps_both(kb):
    entities = [e("role", "客服专员"), e("role", "客服经理")]
    q = resolve(kb, "ask_career_path", "我是客服专员,目标是升到客服经理", entities, {})
    assert (q.start_role, q.role) == ("客服专员", "客服经理")
    assert resolve(kb, "ask_salary", "客服专员和客服经理", entities, {}).start_role is None


@pytest.mark.parametrize(
    "text, start",
    [
        ("想从客服部经理升到客服部总监,要几年?总监之后还有上升空间吗?", None),
        ("客服部经理升到客服部总监以后还能往哪走", None),
        ("以后想从客服部经理升到客服部总监,要几年?", "客服经理"),
    ],
)
def test_a_career_question_that_asks_past_the_goal_keeps_the_whole_path(kb, text, start):
    # Cut at the goal, the path would leave out the very step asked about.
    entities = [_at(text, "客服经理", "客服部经理"), _at(text, "客服总监", "客服部总监")]
    q = resolve(kb, "ask_career_path", text, entities, {})
    assert (q.role, q.start_role) == ("客服总监", start)


@pytest.mark.parametrize(
    "text, other",
    [
        ("客服总监已经是客服条线的顶了,往后的晋升方向是什么?", "客服"),
        ("客服总监已经是客服这条线的顶了吧?再往上还能跳去哪", "客服"),
        ("做到客服总监算是客服这一行的头了,之后呢", "客服"),
        ("客服总监在客服行业里算到顶了吗,下一步去哪", "客服"),
        ("客服总监在客服体系里处在什么位置,往上还有什么岗位", "客服"),
        ("当客服总监有没有必须持有的证?考个客服管理师有用吗?", "客服管理师"),
        ("客服总监跟一般带客服的领导,往后的晋升有啥区别?", "客服"),
        ("客服总监管着好几个客服小组,往上还能升吗?", "客服"),
        ("客服总监手里有客服管理师证的多吗", "客服管理师"),
    ],
)
def test_a_line_of_work_or_a_certificate_named_beside_a_job_is_not_the_role_asked_about(
    kb, text, other
):
    entities = [_at(text, "客服总监", "客服总监"), _at(text, other, other)]
    q = resolve(kb, "ask_career_path", text, entities, {})
    assert (q.role, q.start_role) == ("客服总监", None)


@pytest.mark.parametrize(
    "text, intent, said, expected",
    [
        (
            "当客服总监要具备哪些本事?我现在是客服经理,想看看差在哪",
            "ask_skills",
            [("客服总监", "客服总监"), ("客服经理", "客服经理")],
            ("客服总监", None),
        ),
        (
            "客服部经理一般拿多少?本人目前是客服主管",
            "ask_salary",
            [("客服经理", "客服部经理"), ("客服主管", "客服主管")],
            ("客服经理", None),
        ),
        (  # the user's own job is where the path starts, whichever is said first
            "想当客服总监要熬几年?我现在是客服经理",
            "ask_career_path",
            [("客服总监", "客服总监"), ("客服经理", "客服经理")],
            ("客服总监", "客服经理"),
        ),
        (  # the job held before is the user's own too
            "下周一正式当客服组长,之前一直是普通坐席,这个角色要管哪些事?",
            "ask_duties",
            [("客服主管", "客服组长"), ("客服专员", "坐席")],
            ("客服主管", None),
        ),
        (  # two jobs, neither the user's own: the later one, as before
            "客服经理和客服主管比,要具备哪些本事",
            "ask_skills",
            [("客服经理", "客服经理"), ("客服主管", "客服主管")],
            ("客服主管", None),
        ),
    ],
)
def test_the_users_own_job_beside_another_is_not_the_one_asked_about(
    kb, text, intent, said, expected
):
    entities = [_at(text, value, words) for value, words in said]
    q = resolve(kb, intent, text, entities, {})
    assert (q.role, q.start_role) == expected


def test_a_short_name_after_the_full_names_picks_the_job_it_names(kb):
    text = "我在客服部做文员,搞不清客服主管和客服总监怎么分工。主管那边具体管哪些事?"
    department = {"entity": "role", "value": "客服专员", "start": 2, "end": 4}
    entities = [department, _at(text, "客服主管", "客服主管"), _at(text, "客服总监", "客服总监")]
    assert resolve(kb, "ask_duties", text, entities, {}).role == "客服主管"
    # Before the full names, or without one, the short name decides nothing.
    before = "主管们常问:客服主管和客服总监怎么分工"
    named = [_at(before, "客服主管", "客服主管"), _at(before, "客服总监", "客服总监")]
    assert resolve(kb, "ask_duties", before, named, {}).role == "客服总监"
    # Nor does one said as where a path starts or as the user's own job.
    for after in (
        "到底谁的级别高?从主管升上去要多久",
        "要多少年?我今年刚升主管,想规划一下",
        "要熬几年?是不是都得先当主管",  # a step before the goal
    ):
        path = "客服主管和客服经理" + after
        named = [_at(path, "客服主管", "客服主管"), _at(path, "客服经理", "客服经理")]
        assert resolve(kb, "ask_career_path", path, named, {}).role == "客服经理"
    alone = "总监那边具体管哪些事?客服主管呢"
    assert resolve(kb, "ask_duties", alone, [_at(alone, "客服主管", "客服主管")], {}).role == (
        "客服主管"
    )


@pytest.mark.parametrize(
    "text, intent, said, expected",
    [
        (  # likened to
            "客服管理师主要干哪些活?是不是跟客服主管差不多",
            "ask_duties",
            [("客户服务管理师", "客服管理师"), ("客服主管", "客服主管")],
            "客户服务管理师",
        ),
        (  # likened to nothing: the later job, as before
            "客服管理师主要干哪些活?客服主管呢",
            "ask_duties",
            [("客户服务管理师", "客服管理师"), ("客服主管", "客服主管")],
            "客服主管",
        ),
        (  # said not to be the one meant
            "面试官强调我应聘的是客户服务经理,不是普通客服,这个头衔通常出现在哪类企业里?",
            "ask_role_names",
            [("客服经理", "客户服务经理"), ("客服专员", "普通客服")],
            "客服经理",
        ),
        (  # 是不是 asks; it denies nothing
            "客服经理是不是普通客服的上级",
            "ask_career_path",
            [("客服经理", "客服经理"), ("客服专员", "普通客服")],
            "客服专员",
        ),
        (  # said as what another is
            "客户服务管理师是不是就是资历老一点的客服?这个职业官方怎么定义的",
            "ask_overview",
            [("客户服务管理师", "客户服务管理师"), ("客服专员", "客服")],
            "客户服务管理师",
        ),
        (  # said as another at a level
            "有人说客服管理师就是高级客服,这种说法对吗?官方到底怎么定义这个职业?",
            "ask_overview",
            [("客户服务管理师", "客服管理师"), ("客服专员", "客服")],
            "客户服务管理师",
        ),
        (  # counted after 管, it names the people led
            "客服经理的管理半径一般多大?比如一个人管几个组、几十号坐席算不算正常",
            "ask_overview",
            [("客服经理", "客服经理"), ("客服专员", "坐席")],
            "客服经理",
        ),
        (  # counted as hires, it is the job asked about
            "我开了家客服外包公司,想招几个客服主管,现在市面上这类人好不好招?",
            "ask_outlook",
            [("客服专员", "客服"), ("客服主管", "客服主管")],
            "客服主管",
        ),
        (  # 客服培训 is the training of agents, not the job 客服专员
            "客服管理师具体负责哪些?我在公司做客服培训,感觉跟我的活有点重叠",
            "ask_duties",
            [("客户服务管理师", "客服管理师"), ("客服专员", "客服")],
            "客户服务管理师",
        ),
        (  # 客服管理 is the field a certificate is in, not the job 客服专员
            "我是客服主管,想考那个国家的客服管理资格证,报名费多少",
            "ask_certification",
            [("客服主管", "客服主管"), ("客服专员", "客服")],
            "客服主管",
        ),
    ],
)
def test_a_job_likened_to_denied_or_named_as_a_field_is_not_the_one_asked_about(
    kb, text, intent, said, expected
):
    entities = [_at(text, value, words) for value, words in said]
    assert resolve(kb, intent, text, entities, {}).role == expected
