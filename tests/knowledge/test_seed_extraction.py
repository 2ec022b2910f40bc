"""Exact extractions from the five seed documents."""

from __future__ import annotations

import re

import pytest

from bot.knowledge import KnowledgeBase

ZHUGUAN = "kefu-zhuguan-outlook"
ZONGJIAN = "kefu-zongjian-role"
GUANLISHI = "kefu-guanlishi"
TITLES = "kefu-job-titles"
STATUS = "kefu-status-prospects"


def from_source(items, source_id):
    return [i for i in items if i.provenance.source_id == source_id]


def test_supervisor_article_yields_nine_monthly_cells(kb: KnowledgeBase):
    cells = from_source(kb.salaries("客服主管"), ZHUGUAN)
    table = {(s.tier, s.band): (s.low, s.high) for s in cells}
    assert table == {
        ("一线", "入门"): (8000, 12000),
        ("二线", "入门"): (6000, 9000),
        ("三线及以下", "入门"): (4000, 7000),
        ("一线", "中级"): (12000, 18000),
        ("二线", "中级"): (9000, 13000),
        ("三线及以下", "中级"): (7000, 10000),
        ("一线", "资深"): (18000, 30000),
        ("二线", "资深"): (13000, 20000),
        ("三线及以下", "资深"): (10000, 15000),
    }
    assert len(cells) == 9
    assert {s.period for s in cells} == {"month"}


def test_director_article_yields_three_annual_bands(kb: KnowledgeBase):
    bands = from_source(kb.salaries("客服总监"), ZONGJIAN)
    assert [(s.label, s.low, s.high, s.period) for s in bands] == [
        ("初级职位", 150000, 250000, "year"),
        ("中级职位", 250000, 400000, "year"),
        ("高级职位", 400000, 800000, "year"),
    ]
    assert [s.stated for s in bands] == ["15万-25万元", "25万-40万元", "40万-80万元"]
    assert "约" in bands[0].qualifiers and "可达" in bands[2].qualifiers


def test_conflicting_supervisor_salaries_are_all_kept_by_source(kb: KnowledgeBase):
    grouped = kb.by_source(kb.salaries("客服主管"))
    assert set(grouped) == {ZHUGUAN, GUANLISHI, TITLES}
    (after_tax,) = grouped[GUANLISHI]
    assert (after_tax.low, after_tax.high, after_tax.period) == (10000, 10000, "month")
    assert set(after_tax.qualifiers) >= {"税后", "约"}
    assert (20000, 40000) in {(s.low, s.high) for s in grouped[TITLES]}


def test_qualifiers_and_tier_of_frontline_average(kb: KnowledgeBase):
    (avg,) = from_source(kb.salaries("客服专员"), STATUS)
    assert (avg.low, avg.high, avg.tier) == (4000, 6000, "一线")
    assert {"平均", "约"} <= set(avg.qualifiers)


def test_traditional_article_gives_simplified_facts(kb: KnowledgeBase):
    source = kb.source(GUANLISHI)
    assert source.script == "traditional"
    assert source.title == "客服管理师"
    probation = from_source(kb.salaries("客服专员"), GUANLISHI)
    assert {(s.low, q) for s in probation for q in s.qualifiers if q in ("试用期", "转正后")} == {
        (1000, "试用期"),
        (2000, "转正后"),
    }
    text = kb.text(GUANLISHI)
    assert "客户服务管理师" in text and "客戶" not in text


def test_traditional_article_yields_three_certification_levels(kb: KnowledgeBase):
    certs = from_source(kb.facts("客户服务管理师", "certification"), GUANLISHI)
    (cert,) = [c for c in certs if c.value == "客户服务管理师"]
    assert sorted(cert.attrs["levels"]) == ["一级", "三级", "二级"]


def test_director_aliases_are_extracted(kb: KnowledgeBase):
    names = {f.value for f in kb.facts("客服总监", "role_names")}
    assert {"客户服务总监", "客户体验总监", "客户运营总监"} <= names


def test_outlook_figures(kb: KnowledgeBase):
    outlook = kb.facts("客服主管", "outlook")
    kinds = {f.attrs.get("kind"): f for f in outlook}
    assert (kinds["growth_rate"].attrs["low"], kinds["growth_rate"].attrs["high"]) == (5.0, 8.0)
    assert kinds["supply_demand_ratio"].attrs["ratio"] == "1:2"
    assert kinds["supply_demand_ratio"].attrs["year"] == 2023
    demand = [f for f in kb.facts("客服总监", "outlook") if f.attrs.get("kind") == "demand_change"]
    assert [f.attrs["value"] for f in demand] == [25.0]


def test_career_path_is_ordered_with_years(kb: KnowledgeBase):
    path = from_source(kb.facts("客服主管", "career_path"), ZHUGUAN)
    assert [(f.value, f.attrs.get("min_years"), f.attrs.get("max_years")) for f in path] == [
        ("初级客服专员", 1, 2),
        ("客服主管", 3, 5),
        ("客服经理", 5, 8),
        ("客服总监", 8, None),
    ]
    assert [f.attrs["step"] for f in path] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "role, topic, expected",
    [
        ("客服主管", "certification", {"国家职业资格证书(客服管理)", "项目管理专业人士(PMP)"}),
        ("客服总监", "certification", {"客户服务管理师", "质量管理体系内审员", "无强制性证书"}),
        ("客服主管", "holland", {"S", "E"}),
        ("客服主管", "platforms", {"智联招聘", "前程无忧", "猎云网"}),
        ("客服主管", "industries", {"电子商务", "金融服务", "科技公司", "旅游酒店业"}),
        ("客服总监", "cities", {"北京", "上海", "深圳"}),
        ("客服总监", "benefits", {"年度奖金", "健康保险", "员工培训与发展"}),
        ("客服总监", "daily_routine", {"早晨", "上午", "下午", "晚上"}),
        ("客服总监", "education", {"本科及以上学历", "市场营销", "心理学"}),
        ("客服总监", "skills", {"沟通能力", "数据分析能力", "项目管理能力"}),
        ("客服总监", "traits", {"耐心与同理心", "抗压能力"}),
        ("客服总监", "challenges", {"客户投诉处理", "服务标准不一致", "团队士气低落"}),
        ("客户服务管理师", "market_size", {"超过100万人"}),
        ("客服专员", "role_names", {"客户支持专员", "在线客服专员", "售后服务专员"}),
        ("客户服务管理师", "industries", {"制造业", "金融业", "零售业", "医疗业"}),
        # "此职位通常存在于各类行业,尤其是在电子商务、金融、通讯和高科技领域"
        ("客服总监", "industries", {"电子商务", "金融", "通讯", "高科技"}),
        # "在第三产业企业,可以从事的岗位更多,包括市场策划、…": each sector's clause, whole
        (
            "客户服务管理师",
            "industries",
            {
                "第三产业岗位:市场策划、前台服务、客房服务等",
                "第三产业企业,可以从事的岗位更多,包括市场策划、销售、前台服务、客房服务、"
                "客户服务中心等部门管理,以及客服总监、副总经理等领导岗位",
            },
        ),
        # The job-titles article's entry under the role's own name says what the position is.
        (
            "客服主管",
            "overview",
            {"适用于中高层管理岗位,负责团队管理、服务质量监督、客户满意度提升等。"},
        ),
        # An overview sentence whose subject is the role and whose verb is 负责.
        (
            "客服主管",
            "duties",
            {"客服主管负责确保客户满意度,通过分析客户反馈和数据来优化服务流程,提升客户体验。"},
        ),
        # "…典型的工作场景包括A;B;C。此外,客服主管还需要D。": D continues the list.
        (
            "客服主管",
            "daily_routine",
            {
                "与其他部门(如销售、技术支持)合作,解决客户面临的问题",
                "客服主管还需要定期与客户沟通,了解市场需求和客户期望,从而调整服务策略",
            },
        ),
        ("客服总监", "salary_factors", {"地域差异", "企业规模", "个人经验"}),
        ("客服专员", "outlook", {"招聘需求情况", "人才供给情况"}),
    ],
)
def test_typed_facts_per_topic(kb: KnowledgeBase, role, topic, expected):
    assert expected <= {f.value for f in kb.facts(role, topic)}


def test_salary_levels_are_not_list_facts_and_titles_are_not_sections(kb: KnowledgeBase):
    assert kb.facts(None, "salary") == []
    names = {f.value for f in kb.facts(None, "role_names")}
    assert "初级客服专员" not in names  # a salary sub-heading, not a name listing


def test_challenges_carry_their_remedies(kb: KnowledgeBase):
    remedies = [f for f in kb.facts("客服总监", "challenges") if f.attrs.get("kind") == "remedy"]
    assert any("投诉处理机制" in f.value for f in remedies)


def test_repeated_sections_yield_each_fact_once(kb: KnowledgeBase):
    titles_text = kb.text(TITLES)
    assert titles_text.count("1. 客户支持专员") == 1
    assert kb.text(STATUS).count("客服行业在中国市场的发展前景看好") == 1
    names = [f.value for f in kb.facts("客服专员", "role_names") if f.value == "客户支持专员"]
    assert names == ["客户支持专员"]
    facts = kb.facts(None, "outlook") + kb.facts(None, "skills") + kb.facts(None, "duties")
    keys = [(f.provenance.source_id, f.role, f.topic, f.value) for f in facts]
    assert len(keys) == len(set(keys))
    salaries = kb.salaries("客服专员") + kb.salaries("客服主管")
    keys = [(s.provenance.source_id, s.role, s.low, s.high, s.tier, s.band) for s in salaries]
    assert len(keys) == len(set(keys))


def test_every_quote_occurs_at_its_span(kb: KnowledgeBase):
    items = list(kb.facts(None, "outlook"))
    for topic in ("duties", "certification", "career_path", "skills", "education", "role_names"):
        items += kb.facts(None, topic)
    for role in kb.roles():
        items += kb.salaries(role)
    assert len(items) > 100
    for item in items:
        p = item.provenance
        assert kb.text(p.source_id)[p.start : p.end] == p.quote


def test_no_fact_is_invented_from_numbers_that_are_not_salaries(kb: KnowledgeBase):
    amounts = {s.low for r in kb.roles() for s in kb.salaries(r)}
    assert not amounts & {100, 2023, 1, 397, 25}
    for role in kb.roles():
        for s in kb.salaries(role):
            assert re.search(r"\d", s.provenance.quote)


def test_a_pages_list_of_its_headings_is_not_an_overview_statement(kb: KnowledgeBase):
    overview = [f.value for f in from_source(kb.facts("客户服务管理师", "overview"), GUANLISHI)]
    assert not [t for t in overview if "职业定义,工作流程" in t]
    # The definition right under it is still there.
    assert any(t.startswith("在向客户提供产品和服务的交易过程中") for t in overview)


def test_a_statement_naming_a_requirement_topic_belongs_to_it_in_any_section(kb: KnowledgeBase):
    # Both sit under "七、学习路径规划与职业技能成长资源推荐", which names skills.
    skills = [f.value for f in kb.facts("客服主管", "skills")]
    education = [f.value for f in kb.facts("客服主管", "education")]
    platforms = [f.value for f in kb.facts("客服主管", "platforms")]
    assert not [s for s in skills if "教育背景" in s or "资讯平台" in s]
    assert any("本科或研究生教育背景" in e for e in education)
    assert any(p.startswith("相关的职业资讯平台包括智联招聘") for p in platforms)
    # Broad words stay put: 行业 in an outlook sentence does not make it an industries fact.
    outlook = [f.value for f in kb.facts("客服专员", "outlook")]
    assert any(o.startswith("随着数字化转型和人工智能技术的发展,客服行业") for o in outlook)
