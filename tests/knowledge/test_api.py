from bot.knowledge import TOPICS, KnowledgeBase


def test_resolve_role_by_alias(kb: KnowledgeBase):
    assert kb.resolve_role("客户体验总监") == "客服总监"
    assert kb.resolve_role("我想问客户服务主管的情况") == "客服主管"
    assert kb.resolve_role("客服管理師".replace("師", "师")) == "客户服务管理师"
    assert kb.resolve_role("程序员") is None


def test_roles_and_sources(kb: KnowledgeBase):
    assert kb.roles() == ["客服专员", "客服主管", "客服经理", "客服总监", "客户服务管理师"]
    titles = {s.title for s in kb.sources()}
    assert "客服岗名称是什么" in titles
    titles_doc = next(s for s in kb.sources() if s.title == "客服岗名称是什么")
    assert (titles_doc.publisher, titles_doc.date) == ("含义网", "2026-01-31")


def test_salary_filters_by_tier_and_band(kb: KnowledgeBase):
    cells = kb.salaries("客服主管", tier="二线", experience="资深")
    stated = [(s.low, s.high) for s in cells if s.tier == "二线"]
    assert stated == [(13000, 20000)]
    assert all(s.tier in (None, "二线") and s.band in (None, "资深") for s in cells)


def test_facts_for_unknown_topic_raise(kb: KnowledgeBase):
    import pytest

    with pytest.raises(ValueError, match="unknown topic"):
        kb.facts("客服主管", "weather")
    assert "salary" in TOPICS


def test_career_path_is_found_from_any_stage(kb: KnowledgeBase):
    manager_path = kb.facts("客服经理", "career_path")
    assert "客服经理" in [f.value for f in manager_path]


def test_stats_count_by_topic_and_source(kb: KnowledgeBase):
    stats = kb.stats()
    assert stats["salary"]["kefu-zhuguan-outlook"] == 9
    assert sum(stats["certification"].values()) >= 6


def test_topics_for_role(kb: KnowledgeBase):
    topics = kb.topics("客服总监")
    assert {"salary", "duties", "certification", "career_path"} <= set(topics)


def test_topics_mentioning_finds_the_role_s_other_facts_that_name_a_topic(kb: KnowledgeBase):
    # no pay figures for 客户服务管理师, but its overview lists "客服收入"
    assert kb.salaries("客户服务管理师") == []
    assert kb.topics_mentioning("客户服务管理师", ["salary"]) == ["overview"]
    assert kb.topics_mentioning("客服主管", ["benefits"]) == []  # nothing names 福利
    assert "salary" not in kb.topics_mentioning("客服专员", ["salary"])  # never the topic itself


def test_question_words_name_topics_in_questions_but_never_route_headings(kb: KnowledgeBase):
    lex = kb.lexicon
    assert lex.topics_asked("客服主管的招聘需求怎么样") == ["outlook"]
    assert lex.topics_in("客服主管的招聘需求怎么样") == []  # a "市场需求" heading stays put
    assert lex.topics_asked("升职以后一天的工作怎么安排") == ["daily_routine"]
    assert lex.topics_asked("学历和证书") == ["certification", "education"]  # lexicon order
    assert lex.topics_asked("客服专员需要什么证照") == ["certification"]  # 證照, as Taiwan says
    assert lex.topics_asked("有哪张证是硬性门槛") == ["certification"]
    assert lex.topics_asked("有没有哪个证是必须的") == ["certification"]
    assert lex.topics_asked("这行普遍的难点有哪些") == ["challenges"]
    assert lex.topics_asked("平级的还有哪些岗位") == ["overview"]
    assert lex.topics_asked("客服组长是个什么官") == ["overview"]
    assert lex.topics_asked("做到总监就到顶了,这种瓶颈期怎么办") == ["challenges"]
    # a question word names its own topic, not the other topic's word it holds
    assert lex.topics_asked("除了拿工资,公司还给什么") == ["benefits"]
    assert lex.topics_asked("熬成资深的,工资天花板在什么位置") == ["salary"]
    assert lex.topics_asked("工资天花板高,职业天花板也高吗") == ["salary", "challenges"]
    assert lex.topics_asked("可能挂了别的职位名") == ["role_names"]
    assert lex.topics_asked("这活儿除了回答问题还要做啥") == ["duties"]
    assert lex.topics_asked("他说主要管战略,还得干什么") == ["duties"]
    assert lex.topics_asked("主管和普通客服干的活有啥不一样") == ["duties"]
    assert lex.topics_asked("老板让我把这个人要管的事列清楚") == ["duties"]
    assert lex.topics_asked("公司里再往上基本没坑了") == ["challenges"]
    assert lex.topics_asked("具体指的是什么人") == ["overview"]
    assert lex.topics_asked("这个岗位还可能挂着哪些别的名字") == ["role_names"]
    assert lex.topics_asked("转行的话得先补齐哪些硬本事") == ["skills"]
    assert lex.topics_asked("当组长要管哪几摊事") == ["duties"]
    assert lex.topics_asked("这工作到底难在哪") == ["challenges"]
    assert lex.topics_asked("身边人都说吃青春饭,能往哪升") == ["career_path"]
    assert lex.topics_asked("要不要跟着倒夜班") == ["daily_routine"]
    assert lex.topics_asked("人事说要重新定薪,外面一般给到多少") == ["salary"]
    assert lex.topics_asked("是被哪几样东西拉开的") == ["salary_factors"]
    assert lex.topics_asked("哪些机构在雇这种人,有代表性的企业吗") == ["employers"]
    assert lex.topics_asked("做了很多年就卡住不动,怎么破局") == ["challenges"]
    assert lex.topics_asked("升成组长以后,要多负责哪些工作") == ["duties"]
    assert lex.topics_asked("去第三产业,可以负责哪些部门") == ["industries"]
    assert lex.topics_asked("我话少,性子又闷,适合吗") == ["traits"]
    assert lex.topics_asked("除了处理投诉,是不是还得负责搭体系") == ["duties"]
    assert lex.topics_asked("入职内训结束以后有考试吗") == ["training"]
    assert lex.topics_asked("外面还有哪几类单位会要我") == ["employers"]
    assert lex.topics_asked("客服总监究竟算个什么角色") == ["overview"]
    assert lex.topics_asked("我是最底下那层的,往上一层一般叫什么") == ["career_path"]
    assert lex.topics_asked("以后可能在家办公吗,有这个苗头吗") == ["outlook"]
    assert lex.topics_asked("中级以上得补管理课,具体要学哪些东西") == ["training"]
    assert lex.topics_asked("主管跟我们比,多出来的活主要是哪些") == ["duties"]
    assert lex.topics_asked("多留意招聘和职业资讯,一般都去哪儿看") == ["platforms"]
    assert lex.topics_asked("平时不看行业消息") == ["platforms"]  # not the industries
    assert lex.topics_asked("这个岗位核心要负责什么") == ["overview"]
    assert lex.topics_asked("标准还不统一,该怎么下手") == ["challenges"]
    assert lex.topics_asked("念哪个方向的科系比较有用") == ["education"]
    assert lex.topics_asked("客服主管在哪些行当比较吃得开") == ["industries"]
    assert lex.topics_asked("想转行当客服代表,现在招的人多吗") == []  # 转行 + 当
    assert lex.topics_asked("客服这个行当现在是人多岗位少,还是招不到人") == ["outlook"]
    assert lex.topics_asked("这种工厂,客服管理师一般会被放到哪几个部门") == ["industries"]
    assert lex.topics_asked("盯着招聘行情和行业八卦,装哪几个app靠谱") == ["platforms"]
    assert lex.topics_asked("客户体验经理和客服总监是一个层级的东西吗") == ["overview"]
    assert lex.topics_asked("为啥有人翻倍有人平平") == ["salary_factors"]
    assert lex.topics_asked("主要是多担了哪些责任") == ["duties"]
    assert lex.topics_asked("客服管理师主要干哪些活") == ["duties"]
    assert lex.topics_asked("这个职业官方是怎么界定的") == ["overview"]
    assert lex.topics_asked("客服这行现在到底是人多还是岗位多") == ["outlook"]
    assert lex.topics_asked("这个岗的活儿一般分成哪些板块") == ["duties"]
    assert lex.topics_asked("想在北京找份话务员的活儿") == []  # a job, not its duties
    assert lex.topics_asked("搭一套管理体系,这属于客服管理师的本职吗") == ["duties"]
    assert lex.topics_asked("能不能争取让公司出钱租房、报销油费") == ["benefits"]
    assert lex.topics_asked("当主管周末能双休吗?加班多不多") == ["daily_routine"]
    assert lex.topics_asked("总监要亲自看客户反馈吗") == ["duties"]
    assert lex.topics_asked("应征要几年经验?电脑操作有没有要求?") == ["education"]
    assert lex.topics_asked("这个岗位的任职要求高吗") == ["education"]
    assert lex.topics_asked("总监和下面的经理分工有什么不一样?总监主要抓哪些事") == ["duties"]
    assert lex.topics_asked("这个职务在企业里到底是个什么定位") == ["overview"]
    assert lex.topics_asked("试用期只有一千块左右,转正以后能涨到多少") == ["salary"]
    assert lex.topics_asked("刚入行一个月到手能拿多少") == ["salary"]
    assert lex.topics_asked("跟学生讲清楚这份工作到底要干哪些事") == ["duties"]
    assert lex.topics_asked("PPT上想放一句标准释义") == ["overview"]
    assert lex.topics_asked("官方到底怎么定义这个职业") == ["overview"]
    assert lex.topics_asked("到底是什么职业?听起来很抽象") == ["overview"]
    assert lex.topics_asked("除了管投诉,售后也归他管吗") == ["duties"]
    assert lex.topics_asked("大企业的主管扣完税每月也就一万出头") == ["salary"]
    assert lex.topics_asked("税后一个月有一万吗") == ["salary"]
    assert lex.topics_asked("想招个客服回差评,这人的工作范围该怎么定") == ["duties"]
    assert lex.topics_asked("给别的部门上课,这算不算份内的工作") == ["duties"]
    assert lex.topics_asked("手底下一般带多少人?平时向谁汇报工作") == ["overview"]
    assert lex.topics_asked("这个岗位在公司里归谁管") == ["overview"]
    assert lex.topics_asked("管理线和专业线到底怎么选") == ["skills"]
    assert lex.topics_asked("以后得懂点啥技术才不会被淘汰") == ["skills"]
    assert lex.topics_asked("以后在线客服能不能在家做") == ["outlook"]
    assert lex.topics_asked("有没有能居家办公的") == ["outlook"]


def test_a_topic_set_aside_in_so_many_words_is_not_named(kb: KnowledgeBase):
    lex = kb.lexicon
    text = "年薪谈得差不多了,在薪水之外还能争取到什么待遇?"  # 年薪 and 待遇 name the pay
    assert lex.topics_set_aside(text) == ["salary"]
    assert lex.topics_asked(text) == ["benefits"]
    assert lex.topics_set_aside("客服总监的待遇怎么样") == []
    assert lex.topics_asked("客服总监的待遇怎么样") == ["salary"]
    # any topic's word after 除了 or before 之外/以外, not only the pay
    text = "除了能力,性格上应该优先看哪几点?"
    assert (lex.topics_set_aside(text), lex.topics_asked(text)) == (["skills"], ["traits"])
    text = "做客服管理师除了看性格,还要具备哪些管理方面的技巧?"
    assert lex.topics_set_aside(text) == ["traits"]
    # 除了工资 names the benefits, so 除了工资以外 sets the pay aside, not them
    text = "要整理客服总监除了工资以外的待遇,常见的有哪几项?"
    assert (lex.topics_set_aside(text), lex.topics_asked(text)) == (["salary"], ["benefits"])
