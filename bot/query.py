"""What a turn asks: intent, entities and remembered slots turned into one query.

Kept free of Rasa so that it is tested directly; actions only pass in what the
tracker holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Tuple

from bot.knowledge import KnowledgeBase
from bot.text import normalize_text

# Question intent -> the store topics that answer it, in display order.
INTENT_TOPICS: Dict[str, Tuple[str, ...]] = {
    "ask_duties": ("duties",),
    "ask_daily_routine": ("daily_routine",),
    "ask_salary": ("salary",),
    "ask_certification": ("certification",),
    "ask_outlook": ("outlook",),
    "ask_career_path": ("career_path",),
    "ask_skills": ("skills", "training"),
    "ask_personality_fit": ("holland", "traits"),
    "ask_education": ("education",),
    "ask_role_names": ("role_names",),
    "ask_industries": ("industries",),
    "ask_employers": ("employers",),
    "ask_cities": ("cities",),
    "ask_benefits": ("benefits",),
    "ask_challenges": ("challenges",),
    "ask_market_size": ("market_size",),
    "ask_platforms": ("platforms",),
    "ask_salary_factors": ("salary_factors",),
    "ask_overview": ("overview",),
}

# Store topic -> the question intent it answers.
TOPIC_INTENTS: Dict[str, str] = {
    topic: intent for intent, topics in INTENT_TOPICS.items() for topic in topics
}

# Topics that answer part of each other's question, for a role whose store lacks the asked one:
# how many work in a job is half of whether it is in demand; the employers a role's document names
# say which trades hire it, and the trades that recruit it say what kind of employer does; a
# role's duties are what fills its day; where a job is wanted is part of its demand.
NEIGHBOUR_INTENTS: Dict[str, Tuple[str, ...]] = {
    "ask_market_size": ("ask_outlook",),
    "ask_industries": ("ask_employers",),
    "ask_employers": ("ask_industries",),
    "ask_daily_routine": ("ask_duties",),
    "ask_cities": ("ask_outlook",),
}

TOPIC_NAMES: Dict[str, str] = {
    "ask_duties": "职责",
    "ask_daily_routine": "典型的一天",
    "ask_salary": "薪资",
    "ask_certification": "证书",
    "ask_outlook": "就业前景",
    "ask_career_path": "晋升路径",
    "ask_skills": "所需技能",
    "ask_personality_fit": "性格适配",
    "ask_education": "学历要求",
    "ask_role_names": "岗位别称",
    "ask_industries": "所属行业",
    "ask_employers": "主要雇主",
    "ask_cities": "需求城市",
    "ask_benefits": "福利待遇",
    "ask_challenges": "挑战与难点",
    "ask_market_size": "从业规模",
    "ask_platforms": "职业资讯平台",
    "ask_salary_factors": "薪资影响因素",
    "ask_overview": "岗位概况",
}

# "拉萨市", "火星市": a named city. "城市" itself is the generic word, not a name,
# and neither is the 市 of 市场/市价/市值/市面/行情 words, of 超市 ("多少是市场价") or of
# 上市/股市/楼市/门市/夜市 ("成都某上市公司": 都某上 is no city).
_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?<![城超上股楼门夜])市(?![场价值面况])")


# Details that only the pay is stored by: "那深圳呢?我说的是才做了两年的客服主管", with no
# question before it, asks what the job pays there and then.
PAY_DETAILS = ("city", "city_tier", "experience")


@dataclass(frozen=True)
class Query:
    """One turn's question with the context carried from earlier turns."""

    topic: str | None  # a question intent name, e.g. "ask_salary"
    role: str | None = None
    tier: str | None = None
    band: str | None = None
    other_role: str | None = None  # a job outside the field, e.g. 程序员
    unknown_place: str | None = None  # a city the lexicon has no tier for
    # Where a career question starts ("普通客服多久能升到客服经理"); `role` is the goal.
    start_role: str | None = None


def _values(entities: Iterable[Mapping[str, Any]], name: str) -> List[str]:
    return [str(e["value"]) for e in entities if e.get("entity") == name and e.get("value")]


def states_pay_detail(entities: Iterable[Mapping[str, Any]]) -> bool:
    """Whether a turn states a detail only the pay is stored by (PAY_DETAILS)."""
    entities = list(entities)
    return any(_values(entities, name) for name in PAY_DETAILS)


def _known(canonical, value: Any) -> str | None:
    """A remembered slot value in canonical form, or None if it means nothing known."""
    return canonical(str(value)) if value else None


# "带客服团队的主管", "客服条线的顶", "客服体系里": 客服 followed by one of these names the
# department or the line of work, not a job.
_DEPARTMENT = (
    "团队",
    "部",  # 客服部, 客服部门
    "管理",  # 客服管理资格证, 客服管理岗 (客服管理师 and 客服管理人员 are names of their own)
    "中心",
    "小组",
    "组",
    "这块",
    "这一块",
    "这边",
    "条线",
    "这条线",
    "这一行",
    "这行",
    "行业",
    "体系",
    "系统",
    "培训",  # 客服培训: the training of agents
)
# "考个客服管理师", "客服管理师证": a role's name after 考 or before 证 names its certificate.
_EXAM = ("考", "考个", "考了", "考取")  # 报考 ends in 考
# "一般带客服的领导": after 带 it names the people led.
_LED = ("带",)
# "一个人管几个组、几十号坐席", "带十来个客服": counted after 管 or 带, it names the people
# led, not a job ("想招几个客服主管" hires the job; "一名客服主管" is no count).
_COUNTED = re.compile(
    r"(?:(?<!主)管|带|手下|底下)[^,。?!]{0,6}?"
    r"(?:几|多少|\d+|[两三四五六七八九]|[一二三四五六七八九几]?[十百])[来多]?[个名号位]?$"
)
_CERTIFICATE = ("证",)


def _said_as_job(said: str, mention: Mapping[str, Any]) -> bool:
    """Whether a role's name is said as a job, not as its department, its certificate or the
    people someone leads."""
    start, end = mention.get("start"), mention.get("end")
    if end is not None and said[end:].startswith(_DEPARTMENT + _CERTIFICATE):
        return False
    if start is None:
        return True
    return not (said[:start].endswith(_EXAM + _LED) or _COUNTED.search(said[:start]))


# "我现在是客服经理,想看看自己差在哪": the user's own job, said beside the one asked about.
# So is the one held before: "下周一正式当客服组长,之前一直是普通坐席", and the one just
# reached: "我今年刚升经理".
_OWN = re.compile(
    r"(?:(?:我|本人)(?:现在|目前|现)?|(?:我|本人)?(?:之前|以前|原来|原先|过去)(?:一直)?)"
    r"(?:是|做|当|任|干)(?:个|一名|一个)?(?:普通)?$|现任$"
    r"|(?:我|本人)\S{0,4}?(?:刚|才)(?:升|当上|升上)了?$"  # "我今年刚升经理"
)
# "从主管升上去", "是不是都得先当经理": where a path starts, or a step before the goal.
_FROM = ("从", "先当", "先做", "先干", "先升")


# "客服管理师主要干哪些活?是不是跟客服主管差不多", "客户服务管理师是不是就是资历老一点的客服",
# "有人说客服管理师就是高级客服": the job likened to is not the one asked about.
_LIKENED_BEFORE = ("跟", "和", "与", "像")
_LIKENED_AFTER = ("差不多", "一样", "类似", "相似", "是一回事", "一回事")
_LIKENED_AS = re.compile(r"(?:就是|算是|等于)(?:\S{0,6}的)?$")


def _said_as(
    kb: KnowledgeBase,
    entities: Iterable[Mapping[str, Any]],
    text: str,
    test: Callable[[str, str], bool],
) -> List[str]:
    """Canonical roles whose mention `test(text before it, text after it)` accepts."""
    said = normalize_text(text)
    mentions = [
        e
        for e in entities
        if e.get("entity") == "role" and isinstance(e.get("start"), int) and e.get("end")
    ]
    found = [
        kb.resolve_role(str(e["value"]))
        for e in mentions
        if test(said[: e["start"]], said[e["end"] :])
    ]
    return [role for role in found if role]


def own_roles(kb: KnowledgeBase, entities: Iterable[Mapping[str, Any]], text: str) -> List[str]:
    """Canonical roles the message names as the user's own job ("我现在是客服经理")."""
    return _said_as(kb, entities, text, lambda before, _: bool(_OWN.search(before)))


# "我应聘的是客户服务经理,不是普通客服": a job said not to be the one meant ("是不是" asks).
_DENIED = re.compile(r"(?<!是)(?:不是|并非)$")


def denied_roles(kb: KnowledgeBase, entities: Iterable[Mapping[str, Any]], text: str) -> List[str]:
    """Canonical roles the message says are not the one meant ("不是普通客服")."""
    return _said_as(kb, entities, text, lambda before, _: bool(_DENIED.search(before)))


def likened_roles(kb: KnowledgeBase, entities: Iterable[Mapping[str, Any]], text: str) -> List[str]:
    """Canonical roles the message likens another job to ("是不是跟客服主管差不多")."""
    return _said_as(
        kb,
        entities,
        text,
        lambda before, after: (
            bool(_LIKENED_AS.search(_without_level(kb, before)))
            or (before.endswith(_LIKENED_BEFORE) and after.startswith(_LIKENED_AFTER))
        ),
    )


def _without_level(kb: KnowledgeBase, before: str) -> str:
    """The words before a role's name without the level said with it ("就是高级客服")."""
    levels = [level for band in kb.lexicon.bands for level in band.levels]
    said = next((level for level in [*levels, "普通"] if before.endswith(level)), "")
    return before[: len(before) - len(said)]


def roles_in(kb: KnowledgeBase, entities: Iterable[Mapping[str, Any]], text: str = "") -> List[str]:
    """Canonical roles named by a turn's entities, in the order said, without repeats.

    With `text` (the message), a name said as a department or a certificate is left out when
    the turn also names another role: "带了三年客服团队,现在是客服主管" asks about 客服主管,
    "当客服总监有没有必须持有的证?考个客服管理师有用吗?" about 客服总监.
    """
    mentions = sorted(
        (e for e in entities if e.get("entity") == "role" and e.get("value")),
        key=lambda e: e.get("start") or 0,
    )
    said = normalize_text(text)
    named = [(kb.resolve_role(str(e["value"])), e) for e in mentions]
    named = [(role, e) for role, e in named if role]
    if len({role for role, _ in named}) > 1:
        named = [(role, e) for role, e in named if _said_as_job(said, e)] or named
    roles: List[str] = []
    for role, _ in named:
        if role not in roles:
            roles.append(role)
    return roles


def resolve(
    kb: KnowledgeBase,
    intent: str | None,
    text: str,
    entities: Iterable[Mapping[str, Any]],
    slots: Mapping[str, Any],
) -> Query:
    """The query for this turn: what the message says wins over what was said before.

    Of several roles, the last one named is asked about. Set aside are the user's own job
    ("当客服总监要具备哪些本事?我现在是客服经理"), which is where a career question starts,
    the job another is likened to ("是不是跟客服主管差不多") and one said not to be meant
    ("不是普通客服"). Words after every full name may pick one by its short name
    ("搞不清客服主管和客服总监怎么分工。主管那边管哪些事?").
    """
    entities = list(entities)
    lex = kb.lexicon
    roles = roles_in(kb, entities, text)
    own = own_roles(kb, entities, text)
    aside = {*own, *likened_roles(kb, entities, text), *denied_roles(kb, entities, text)}
    asked = [r for r in roles if r not in aside] or roles
    role = _referred_to(kb, asked, text, entities) if asked else None
    role = role or _known(kb.resolve_role, slots.get("role"))
    tier = _known(lex.find_tier, slots.get("city_tier"))
    for value in _values(entities, "city_tier"):
        tier = lex.find_tier(value) or tier
    for value in _values(entities, "city"):
        tier = lex.city_tier(value) or lex.find_tier(value) or tier
    band = _known(lex.band_for_user, slots.get("experience"))
    for value in _values(entities, "experience"):
        band = lex.band_for_user(value) or band
    topic = intent if intent in INTENT_TOPICS else slots.get("topic")
    if topic is None and states_pay_detail(entities):
        topic = "ask_salary"
    other = None if roles else lex.other_role(text)
    place = next(
        (m.group(1) for m in _PLACE.finditer(text) if lex.find_tier(m.group(1)) is None),
        None,
    )
    start = None
    if topic == "ask_career_path" and len(roles) > 1 and not _asks_past_goal(text, entities):
        start = next(r for r in [*own, *roles] if r != role)
    return Query(topic, role, tier, band, other, place, start)


def _referred_to(
    kb: KnowledgeBase, asked: List[str], text: str, entities: List[Mapping[str, Any]]
) -> str:
    """Of the roles asked about, the one the words after every full name call by its short
    name, else the last one named. A short name said as where a path starts ("从主管升上去")
    or as the user's own job ("我今年刚升经理") is not the one asked about."""
    ends = [
        e["end"] for e in entities if e.get("entity") == "role" and isinstance(e.get("end"), int)
    ]
    after = normalize_text(text)[max(ends) :] if ends and len(asked) > 1 else ""
    called = [
        role
        for role, start in kb.lexicon.roles_by_short_name(after)
        if role in asked and not (after[:start].endswith(_FROM) or _OWN.search(after[:start]))
    ]
    return called[-1] if called else asked[-1]


# After the goal's name: "升到客服总监…总监之后还有上升空间吗" asks what comes after it too.
_PAST_GOAL = re.compile(r"之后|以后|往上|再上|上升空间|天花板|下一步|更高")


def _asks_past_goal(text: str, entities: List[Mapping[str, Any]]) -> bool:
    """Whether the words after the last role named ask where the path goes from there."""
    ends = [
        e["end"] for e in entities if e.get("entity") == "role" and isinstance(e.get("end"), int)
    ]
    return bool(ends) and bool(_PAST_GOAL.search(normalize_text(text)[max(ends) :]))
