"""Chinese answer templates: facts in, text and structured payload out.

Numbers are shown as the sources state them, each source's facts stay
together and end with its citation, and disagreement is said, never averaged
away. Every factual answer records what it cited, for "出处是哪里?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence, Tuple

from bot.knowledge import Fact, KnowledgeBase, Salary
from bot.query import INTENT_TOPICS, TOPIC_NAMES, Query

PERIOD_WORD = {"month": "月薪", "year": "年薪"}
QUOTE_CHARS = 60
NOT_AVAILABLE = "抱歉,知识库暂时无法查询,请稍后再试。"
EXAMPLES = (
    ("客服主管工资多少", '/ask_salary{"role": "客服主管"}'),
    ("客服总监要考什么证", '/ask_certification{"role": "客服总监"}'),
    ("客服专员怎么晋升", '/ask_career_path{"role": "客服专员"}'),
)


@dataclass
class Answer:
    text: str
    payload: Dict[str, Any] | None = None
    buttons: List[Dict[str, str]] = field(default_factory=list)
    cited: List[Dict[str, str]] = field(default_factory=list)  # {"source", "quote"}


# -- shared pieces -------------------------------------------------------------


def citation(kb: KnowledgeBase, source_id: str) -> str:
    return f"  ——来源:《{kb.source(source_id).title}》"


def _cited(items: Sequence) -> List[Dict[str, str]]:
    seen, out = set(), []
    for item in items:
        key = (item.provenance.source_id, item.provenance.quote)
        if key not in seen:
            seen.add(key)
            out.append({"source": key[0], "quote": key[1]})
    return out


def _sources_payload(kb: KnowledgeBase, cited: Sequence[Dict[str, str]]) -> List[Dict[str, str]]:
    """What the widget's source panel shows: title and the quoted passage."""
    return [
        {"id": c["source"], "title": kb.source(c["source"]).title, "quote": c["quote"]}
        for c in cited
    ]


def _differ_note(groups: int, numbers: bool) -> List[str]:
    if groups < 2:
        return []
    if numbers:
        return [f"注:{groups}个来源的口径不同,数字不一致,以上分别列出,未做合并。"]
    return [f"注:以上来自{groups}个来源,说法各有侧重,分别列出。"]


def role_buttons(kb: KnowledgeBase, intent: str) -> List[Dict[str, str]]:
    return [{"title": r, "payload": f'/{intent}{{"role": "{r}"}}'} for r in kb.roles()]


def example_buttons() -> List[Dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in EXAMPLES]


# -- salary --------------------------------------------------------------------


def _salary_line(s: Salary) -> str:
    where = "、".join(x for x in (s.tier and f"{s.tier}城市", s.label or s.band) if x)
    quals = [q for q in s.qualifiers if q not in ("约", "起", "可达")]
    prefix = "约" if "约" in s.qualifiers else ("可达" if "可达" in s.qualifiers else "")
    suffix = "以上" if "起" in s.qualifiers else ""
    note = f"({'、'.join(quals)})" if quals else ""
    return f"{where or '未区分城市和经验'}:{prefix}{s.amount()}{suffix}{note}"


def salary_payload(kb: KnowledgeBase, role: str, salaries: Sequence[Salary]) -> Dict[str, Any]:
    """Structured ranges for the widget's chart; one entry per stated range."""
    return {
        "type": "salary_ranges",
        "role": role,
        "ranges": [
            {
                "low": s.low,
                "high": s.high,
                "period": s.period,
                "tier": s.tier,
                "band": s.band,
                "label": s.label,
                "qualifiers": list(s.qualifiers),
                "source_id": s.provenance.source_id,
                "source_title": kb.source(s.provenance.source_id).title,
                "quote": s.provenance.quote,
            }
            for s in salaries
        ],
        "sources": _sources_payload(kb, _cited(salaries)),
    }


def _scope(role: str, tier: str | None, band: str | None) -> str:
    return "".join(x for x in (tier and f"{tier}城市", band, role) if x)


def salary_answer(
    kb: KnowledgeBase, role: str, tier: str | None = None, band: str | None = None
) -> Answer:
    """Every source's ranges for the role, grouped and cited; "not covered" if none."""
    salaries = kb.salaries(role, tier=tier, experience=band)
    scope = _scope(role, tier, band)
    if not salaries:
        covered = "、".join(r for r in kb.roles() if kb.salaries(r))
        return Answer(f"知识库中没有{scope}的薪资信息。目前有薪资数据的岗位:{covered}。")
    groups = kb.by_source(salaries)
    lines = [f"{scope}的薪资:"]
    for source_id, items in groups.items():
        lines.extend(f"· {_salary_line(s)}" for s in items)
        lines.append(citation(kb, source_id))
    lines += _differ_note(len(groups), numbers=True)
    return Answer("\n".join(lines), salary_payload(kb, role, salaries), cited=_cited(salaries))


# -- other topics --------------------------------------------------------------


def _fact_line(f: Fact) -> str:
    if f.topic == "holland":
        rank = f"、{f.attrs['rank']}" if f.attrs.get("rank") else ""
        return f"霍兰德代码 {f.value}({f.detail}{rank})"
    if f.topic == "certification":
        levels = "、".join(f.attrs.get("levels", []))
        mandatory = {True: "(强制)", False: "(非强制)"}.get(f.attrs.get("mandatory"), "")
        if f.attrs.get("none"):  # "无强制性证书" is ours; the document's words say 暂无 (none yet)
            return f"{f.value}(原文:{f.provenance.quote.lstrip('-•· ').rstrip('。')})"
        # What the certificate is for ("提高客户管理能力"): a phrase of its own, not the sentence
        # or label line that lists it among others.
        plain = f.detail and f.value not in f.detail and not re.search(r"[::]", f.detail)
        purpose = f":{f.detail.rstrip('。')}" if plain and not levels else ""
        return f"{f.value}" + (f"(等级:{levels})" if levels else "") + mandatory + purpose
    if f.topic == "career_path":
        years = ""
        if f.attrs.get("min_years") is not None:
            high = f.attrs.get("max_years")
            years = (
                f"({f.attrs['min_years']}-{high}年)" if high else f"({f.attrs['min_years']}年以上)"
            )
        # What the step's holder does ("承担更多复杂问题的处理") tells the steps apart.
        does = (f.detail or "").removeprefix(f.value).rstrip("。")
        return f"第{f.attrs.get('step', '?')}步 {f.value}{years}" + (f":{does}" if does else "")
    if f.attrs.get("kind") == "remedy":
        return f"应对:{f.value}"
    if f.detail and f.attrs.get("kind") != "listed" and f.detail != f.value:
        return f"{f.value}:{f.detail}"
    return f.value


def _topic_facts(kb: KnowledgeBase, role: str, intent: str) -> List[Fact]:
    return [f for topic in INTENT_TOPICS[intent] for f in kb.facts(role, topic)]


def _item_lines(items: Sequence[Fact]) -> List[str]:
    """One source's items as lines, each explanation said once.

    A figure the document states in a sentence listed on its own ("年均5%-8%" from
    "未来三至五年…年均5%-8%的速度增长。") is not listed again; names that one sentence
    explains (客户服务总监, 客户体验总监, 客户运营总监) share its line.
    """
    shown = {f.value for f in items}
    explained: Dict[str, List[str]] = {}  # explanation -> the values it explains, in order
    lines: List[Tuple[str, str | None]] = []  # (a line, or the explanation its names precede)
    for f in items:
        line = _fact_line(f)
        if not f.detail or line != f"{f.value}:{f.detail}":  # not a "value:explanation" line
            lines.append((line, None))
        elif f.detail not in shown:
            if f.detail not in explained:
                explained[f.detail] = []
                lines.append(("", f.detail))
            explained[f.detail].append(f.value)
    return [line if d is None else f"{'、'.join(explained[d])}:{d}" for line, d in lines]


def _paths_leading_to(kb: KnowledgeBase, facts: List[Fact], goal: str) -> List[Fact]:
    """Career paths up to the goal: without those that begin there, each cut where it arrives.

    A path whose first step already names the goal ("由客服经理晋升为客服总监") says what
    comes after it, not how someone below gets there; if every path begins there, all stay.
    Steps past the goal ("向更高层的运营总监或业务总监职位发展") answer a question not asked.
    """

    def roles(f: Fact) -> List[str]:
        return [role for role, _, _ in kb.lexicon.find_roles(f.value)]

    steps = [f for f in facts if f.attrs.get("step") is not None]
    first_roles = {f.provenance.source_id: roles(f)[:1] for f in steps if f.attrs["step"] == 1}
    beyond = {source for source, first in first_roles.items() if first == [goal]}
    leading = [f for f in facts if f.provenance.source_id not in beyond] or facts
    arrival: Dict[str, int] = {}  # source -> the first step that names the goal
    for f in steps:
        if goal in roles(f):
            source = f.provenance.source_id
            arrival[source] = min(arrival.get(source, f.attrs["step"]), f.attrs["step"])
    return [
        f
        for f in leading
        if f.attrs.get("step") is None
        or f.attrs["step"] <= arrival.get(f.provenance.source_id, f.attrs["step"])
    ]


def _cited_lines(kb: KnowledgeBase, facts: Sequence[Fact]) -> List[str]:
    """Facts as lines, each source's after its citation.

    Every item: a topic holds at most a dozen or so per source, and a cut-off list dropped
    exactly the fact asked about (e.g. the 9th of 11 challenges).
    """
    lines = []
    for source_id, items in kb.by_source(facts).items():
        lines.extend(f"· {line}" for line in _item_lines(items))
        lines.append(citation(kb, source_id))
    return lines


def facts_answer(
    kb: KnowledgeBase, role: str, intent: str, start_role: str | None = None
) -> Answer:
    """A non-salary topic for a role, grouped by source and cited.

    With a `start_role` (a career question from one role to this one), only paths that lead
    here are listed.
    """
    facts = _topic_facts(kb, role, intent)
    if start_role and intent == "ask_career_path":
        facts = _paths_leading_to(kb, facts, role)
    name = TOPIC_NAMES[intent]
    if not facts:
        covered = "、".join(r for r in kb.roles() if _topic_facts(kb, r, intent))
        others = f"有{name}信息的岗位:{covered}。" if covered else f"目前所有文档都没有涉及{name}。"
        return Answer(f"知识库中没有关于{role}{name}的内容。{others}")
    groups = kb.by_source(facts)
    lines = [f"{role}的{name}:", *_cited_lines(kb, facts)]
    lines += _differ_note(len(groups), numbers=False)
    cited = _cited(facts)
    payload = {
        "type": "facts",
        "topic": intent,
        "role": role,
        "sources": _sources_payload(kb, cited),
    }
    return Answer("\n".join(lines), payload, cited=cited)


def covers(kb: KnowledgeBase, role: str, intent: str) -> bool:
    """Whether the store has anything on the role for this question intent."""
    if intent == "ask_salary":
        return bool(kb.salaries(role))
    return bool(_topic_facts(kb, role, intent))


def with_related(not_covered: Answer, related: Answer) -> Answer:
    """A plain "not covered", then the nearest topic the store does have, with its sources."""
    text = f"{not_covered.text}\n\n相关的内容——{related.text}"
    return Answer(text, related.payload, related.buttons, related.cited)


# Questions whose items a message names in passing: "制造业的工厂也招客服吗?那边的客服岗叫什么?"
# asks for names, and 制造业 is one of 客服专员's industries, whose line says what they are called;
# "深圳的客服总监需求为什么一直在增加?" names 深圳, whose line in 客服总监's cities says why.
NAMEABLE = {
    topic: intent
    for intent in (
        "ask_industries",
        "ask_employers",
        "ask_certification",
        "ask_platforms",
        "ask_benefits",
        "ask_challenges",
        "ask_cities",
    )
    for topic in INTENT_TOPICS[intent]
}
MIN_NAMED = 3  # shorter items (金融, 通信) are words of ordinary questions; city names are names


def named_facts(
    kb: KnowledgeBase, role: str, text: str, answered: Answer, asked: Sequence[str] = ()
) -> List[Fact]:
    """The role's facts that the message names item by item and the answer to the `asked`
    intents leaves out.

    Role names are the lexicon's business (客户服务管理师 is also a certificate), and a city in a
    salary question is its tier, already answered.
    """
    cities = "ask_salary" not in asked
    return [
        f
        for topic in NAMEABLE
        if cities or topic != "cities"
        for f in kb.facts(role, topic)
        if (len(f.value) >= MIN_NAMED or kb.lexicon.city_tier(f.value))
        and f.value in text
        and f.value not in answered.text
        and not kb.lexicon.find_roles(f.value)
    ]


def _with_sections(
    answer: Answer, kb: KnowledgeBase, sections: Sequence[Tuple[str, Sequence[Fact]]]
) -> Answer:
    """An answer, then each (heading, facts) section cited, with every source once."""
    lines = [answer.text]
    cited = list(answer.cited)
    for heading, facts in sections:
        lines += ["", heading, *_cited_lines(kb, facts)]
        cited += [c for c in _cited(facts) if c not in cited]
    return Answer("\n".join(lines), answer.payload, answer.buttons, cited)


def with_named(answer: Answer, kb: KnowledgeBase, role: str, named: Sequence[Fact]) -> Answer:
    """An answer, then what the store says of the items the message named: under which of the
    role's topics, and from which source."""
    sections = []
    for topic in dict.fromkeys(f.topic for f in named):
        facts = [f for f in named if f.topic == topic]
        values = "、".join(dict.fromkeys(f.value for f in facts))
        sections.append((f"您提到的{values}({role}的{TOPIC_NAMES[NAMEABLE[topic]]}):", facts))
    return _with_sections(answer, kb, sections)


def with_unlisted_cities(
    answer: Answer, kb: KnowledgeBase, role: str, cities: Sequence[str], asked: Sequence[str]
) -> Answer:
    """An answer, then, for cities the message names that the role's city facts leave out,
    which cities those facts do list: "杭州的客服总监需求量能排第几" learns that the documents
    name 北京、上海、深圳 and not 杭州, instead of nothing about the city it asked of.

    Not after the pay (a city there is its tier) or the cities themselves (already listed).
    """
    facts = kb.facts(role, "cities")
    if not facts or {"ask_salary", "ask_cities"} & set(asked):
        return answer
    unlisted = [c for c in dict.fromkeys(cities) if not any(c in f.value for f in facts)]
    if not unlisted:
        return answer
    heading = f"您提到的{'、'.join(unlisted)}:文档在{role}的需求城市里没有提到;列出的是:"
    return _with_sections(answer, kb, [(heading, facts)])


def both(first: Answer, second: Answer) -> Answer:
    """Two answers to one message, in turn; the first's chart, both answers' sources."""
    cited = first.cited + [c for c in second.cited if c not in first.cited]
    return Answer(f"{first.text}\n\n{second.text}", first.payload or second.payload, [], cited)


def answer(kb: KnowledgeBase, query: Query) -> Answer:
    """The answer to a resolved query with a role and a topic."""
    if not (query.role and query.topic):
        raise ValueError(f"a query needs a role and a topic: {query}")
    if query.topic == "ask_salary":
        return salary_answer(kb, query.role, query.tier, query.band)
    return facts_answer(kb, query.role, query.topic, query.start_role)


# -- comparison and sources ----------------------------------------------------


def compare_answer(kb: KnowledgeBase, roles: Sequence[str], intent: str = "ask_salary") -> Answer:
    """Two or more roles side by side on one topic (salary unless asked otherwise)."""
    parts = [answer(kb, Query(intent, role)) for role in roles]
    title = "与".join(roles)
    lines = [f"{title}对比({TOPIC_NAMES[intent]}):"]
    for part in parts:
        lines += ["", part.text]
    if intent == "ask_salary":
        periods = {
            role: {s.period for s in kb.salaries(role)} for role in roles if kb.salaries(role)
        }
        described = [f"{r}多以{PERIOD_WORD[sorted(p)[-1]]}表述" for r, p in periods.items()]
        if len({frozenset(p) for p in periods.values()}) > 1:
            lines += ["", "注:" + "、".join(described) + ",单位不同,请勿直接比较数字。"]
    cited = [c for part in parts for c in part.cited]
    payloads = [part.payload for part in parts if part.payload]
    return Answer("\n".join(lines), {"type": "comparison", "parts": payloads}, cited=cited)


def same_role_answer(kb: KnowledgeBase, role: str, names: Sequence[str]) -> Answer:
    """Two names of one role ("客户服务总监和客户体验总监是一回事吗"): say so, then its names."""
    same = list(dict.fromkeys(n for n in names if n and n != role and kb.resolve_role(n) == role))
    if len(same) > 1:
        head = f"{'、'.join(same)}都是{role}的叫法,指的是同一个岗位。"
    elif same:  # "客户体验总监和客服总监": one other name beside the role's own
        head = f"{same[0]}是{role}的另一种叫法,指的是同一个岗位。"
    else:
        head = f"这些都是{role}。"
    names_answer = facts_answer(kb, role, "ask_role_names")
    return Answer(
        head + "\n" + names_answer.text,
        names_answer.payload,
        cited=names_answer.cited,
    )


def sources_answer(kb: KnowledgeBase, cited: Sequence[Dict[str, str]]) -> Answer:
    """The documents behind the last answer: title, publisher, date and a short quote."""
    if not cited:
        return Answer("还没有引用任何文档。先问一个问题,例如:客服主管工资多少?")
    known = {s.id for s in kb.sources()}
    first: Dict[str, Dict[str, str]] = {}
    for c in cited:
        if c["source"] in known:
            first.setdefault(c["source"], c)
    if not first:
        return Answer("上一个回答引用的文档已不在知识库中。")
    lines = ["上一个回答依据以下文档:"]
    for source_id, c in first.items():
        source = kb.source(source_id)
        meta = "、".join(x for x in (source.publisher, source.date) if x)
        lines.append(f"《{source.title}》" + (f"({meta})" if meta else ""))
        quote = c["quote"]
        short = quote if len(quote) <= QUOTE_CHARS else quote[:QUOTE_CHARS] + "……"
        lines.append(f"  原文:“{short}”")
    payload = {"type": "sources", "sources": _sources_payload(kb, list(first.values()))}
    return Answer("\n".join(lines), payload)


# -- not covered, clarification ------------------------------------------------


def _covered() -> str:
    return "、".join(TOPIC_NAMES.values())


def not_covered_role(kb: KnowledgeBase, job: str) -> Answer:
    roles = "、".join(kb.roles())
    return Answer(f"抱歉,知识库只覆盖客服类岗位,没有关于{job}的资料。可以问这些岗位:{roles}。")


def not_covered_place(kb: KnowledgeBase, place: str) -> Answer:
    tiers = "、".join(kb.lexicon.tier_names())
    return Answer(
        f"抱歉,知识库没有{place}的资料,也不知道它属于哪一级城市。"
        f"薪资按城市等级给出:{tiers}。可以换个说法,例如“二线城市客服主管工资多少”。"
    )


def out_of_scope(kb: KnowledgeBase) -> Answer:
    roles = "、".join(kb.roles())
    return Answer(
        f"这个问题超出了我的范围。我只回答客服类岗位({roles})的:{_covered()}。",
        buttons=example_buttons(),
    )


def ask_role(kb: KnowledgeBase, intent: str) -> Answer:
    return Answer(f"您想了解哪个岗位的{TOPIC_NAMES[intent]}?", buttons=role_buttons(kb, intent))


def ask_topic(role: str) -> Answer:
    buttons = [
        {"title": f"{role}的{TOPIC_NAMES[i]}", "payload": f'/{i}{{"role": "{role}"}}'}
        for i in ("ask_salary", "ask_duties", "ask_certification", "ask_career_path")
    ]
    return Answer(f"您想了解{role}的哪方面?", buttons=buttons)


def clarify(suggested_intents: Sequence[str], role: str | None) -> Answer:
    """Low confidence: offer the likeliest readings instead of guessing."""
    intents = [i for i in suggested_intents if i in TOPIC_NAMES][:3]
    if not intents:
        return Answer("抱歉,我没太明白。您可以这样问:", buttons=example_buttons())
    subject = role or ""
    buttons = [
        {
            "title": f"{subject}{TOPIC_NAMES[i]}",
            "payload": f'/{i}{{"role": "{role}"}}' if role else f"/{i}",
        }
        for i in intents
    ]
    return Answer("抱歉,我没太明白。您是想问:", buttons=buttons)
