"""Facts stated inside sentences, wherever they stand in a document.

Growth rates, ratios, certificates and their levels, degrees and majors,
Holland codes, market size, stated aliases, "X包括A、B、C等" enumerations and the trades a
role is "尤其是在A、B和C领域".
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, List

from bot.knowledge.extract.context import DocContext
from bot.knowledge.models import Fact
from bot.knowledge.structure import Block, sentences, strip_marker

GROWTH_RANGE = re.compile(
    r"(?:年均|每年|年增长率?)?\s*(\d+(?:\.\d+)?)%\s*(?:-|~|至|到)\s*(\d+(?:\.\d+)?)%"
)
GROWTH_ONE = re.compile(r"增长了?\s*(\d+(?:\.\d+)?)%")
RATIO = re.compile(r"比例?(?:约|大约)?为?\s*(\d+)\s*:\s*(\d+)")
YEAR = re.compile(r"(20\d\d)年")
BOOK_TITLE = re.compile(r"《([^《》]{2,40})》")
QUOTED = re.compile(r"[“\"]([^”\"]{2,20})[”\"]")
CERT_CONTEXT = re.compile(r"证书|资格|认证")
CERT_LEVELS = re.compile(r"([一二三四五])级([\u4e00-\u9fff]{2,12}?师)")
LEVEL_LIST = re.compile(r"等级[^::]*[::]\s*((?:[一二三四五]级[,、,\s]*){2,})")
MANDATORY = re.compile(r"(非)?强制性证书[::]\s*(暂无|无|没有)?")
DEGREE = re.compile(r"(大专|专科|本科|硕士|研究生|博士)(及以上|以上)?(学历)?")
MAJORS = re.compile(r"(?:专业方向以|建议选择|专业包括)[::]?(.+?)(?:等为主|相关专业|等)")
HOLLAND = re.compile(r"(现实型|研究型|艺术型|社交型|企业型|常规型)\s*\(\s*([RIASEC])\s*\)")
HOLLAND_RANK = re.compile(r"(优先|次优|首要|次要)")
MARKET = re.compile(r"(超过|约|近|达)?\s*(\d+(?:\.\d+)?)\s*(万|亿)?\s*人")
TREND = re.compile(r"人才短缺|供不应求|前景(?:看好|广阔)|需求(?:持续|逐年)?(?:上升|增加|增长|旺盛)")
FIT = re.compile(r"比较适合|适合从事|适合这个职业|更容易适应")
ALIAS_CUE = re.compile(r"称为|又称|也称|也叫|俗称|名称多为")
ENUM = re.compile(
    r"(?P<pre>[^,。;:]{0,24}?)(?P<cue>包括但不限于|包括|主要有|涉及|以下几个[\u4e00-\u9fff]{0,4})"
    r"[::]?(?P<items>[^。:]+?)(?P<post>等[\u4e00-\u9fff]{0,4}|。|$)"
)
ENUM_TOPICS = (
    "certification",
    "platforms",
    "industries",
    "employers",
    "challenges",
    "benefits",
    "skills",
    "traits",
    "daily_routine",
    "duties",
)
ENUM_WORDS: Dict[str, List[str]] = {
    "platforms": ["平台"],
    "industries": ["行业", "领域"],
    "employers": ["雇主", "企业类型"],
    "challenges": ["挑战", "难题"],
    "benefits": ["福利"],
    "skills": ["能力", "技能", "知识"],
    "traits": ["特点", "特质", "性格", "素质"],
    "daily_routine": ["工作场景", "一天"],
    "duties": ["工作内容", "职责", "主要工作"],
}
# "此职位通常存在于各类行业,尤其是在电子商务、金融、通讯和高科技领域": a list of trades.
SECTORS = re.compile(
    r"(?:尤其|特别|主要)(?:是|集中)?(?:在|于)(?P<items>[^,。;:!?]{2,40}?、[^,。;:!?]{2,40}?)"
    r"等?(?:领域|行业)"
)
# "在第三产业企业,可以从事的岗位更多,包括市场策划、…": where in the economy a role works, as what.
ECONOMIC_SECTOR = re.compile(r"第[一二三]产业")
# "…典型的工作场景包括A;B;C。此外,客服主管还需要D。": D is one more item of that list.
CONTINUATION = re.compile(r"(?:此外|另外|除此之外)[,,]")
ITEM_SEPARATORS = "、;"
LAST_ITEM_JOIN = re.compile(r"以及|(?<![涉普以])及")
# Trade names are short and never contain 和, so "通讯和高科技" is two of them.
LAST_TRADE_JOIN = re.compile(r"以及|及|和")
ITEM_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+|\d+)[.、]\s*")


def extract_patterns(ctx: DocContext, blocks: Iterable[Block]) -> None:
    for block in blocks:
        if block.kind == "heading":
            continue
        for offset, sentence in sentences(block.text):
            prov = ctx.provenance(block, offset, sentence)
            roles = ctx.roles_for(block, sentence, unquoted=True)
            for extractor in EXTRACTORS:
                for fact in extractor(ctx, block, sentence, prov):
                    for role in [fact.role] if fact.role else roles:
                        ctx.add_fact(
                            Fact(fact.topic, role, fact.value, prov, fact.detail, fact.attrs)
                        )


def _outlook(ctx, block, sentence, prov):
    year = YEAR.search(sentence)
    base = {"year": int(year.group(1))} if year else {}
    for m in GROWTH_RANGE.finditer(sentence):
        attrs = dict(
            base, kind="growth_rate", low=float(m.group(1)), high=float(m.group(2)), unit="%"
        )
        yield Fact("outlook", None, m.group(0).strip(), prov, sentence, attrs)
    for m in GROWTH_ONE.finditer(sentence):
        attrs = dict(base, kind="demand_change", value=float(m.group(1)), unit="%")
        yield Fact("outlook", None, m.group(0), prov, sentence, attrs)
    for m in RATIO.finditer(sentence):
        attrs = dict(base, kind="supply_demand_ratio", ratio=f"{m.group(1)}:{m.group(2)}")
        yield Fact("outlook", None, f"{m.group(1)}:{m.group(2)}", prov, sentence, attrs)


def _statements(ctx, block, sentence, prov):
    """Trend and fit statements made outside their own sections."""
    section = ctx.section_topic(block)
    if TREND.search(sentence) and section != "outlook":
        yield Fact("outlook", None, sentence, prov, None, {"kind": "trend"})
    if FIT.search(sentence) and section != "traits":
        yield Fact("traits", None, sentence, prov, None, {"kind": "fit"})


def _certifications(ctx, block, sentence, prov):
    for m in CERT_LEVELS.finditer(sentence):
        levels = [f"{lv}级" for lv, name in CERT_LEVELS.findall(sentence) if name == m.group(2)]
        yield Fact("certification", None, m.group(2), prov, sentence, {"levels": levels})
        break
    m = LEVEL_LIST.search(sentence)
    if m and ctx.main_role and ctx.main_role.endswith("师"):
        levels = re.findall(r"[一二三四五]级", m.group(1))
        yield Fact("certification", None, ctx.main_role, prov, sentence, {"levels": levels})
    m = MANDATORY.search(sentence)
    if m and not m.group(1) and m.group(2):
        yield Fact(
            "certification", None, "无强制性证书", prov, sentence, {"mandatory": True, "none": True}
        )
    if not CERT_CONTEXT.search(sentence) and not CERT_CONTEXT.search(block.section):
        return
    optional = bool(m and m.group(1))
    names = BOOK_TITLE.findall(sentence) + (QUOTED.findall(sentence) if optional else [])
    for name in names:
        if CERT_CONTEXT.search(name) or optional or "(" in name:
            yield Fact(
                "certification",
                None,
                name,
                prov,
                sentence,
                {"mandatory": False if optional else None},
            )


def _education(ctx, block, sentence, prov):
    if not re.search(r"学历|教育|门槛|要求", sentence + block.section):
        return
    for m in DEGREE.finditer(sentence):
        yield Fact("education", None, m.group(0), prov, sentence, {"kind": "degree"})
    for m in MAJORS.finditer(sentence):
        for major in _split_items(m.group(1)):
            yield Fact("education", None, major, prov, sentence, {"kind": "major"})


def _holland(ctx, block, sentence, prov):
    rank = HOLLAND_RANK.search(block.text)
    for m in HOLLAND.finditer(sentence):
        attrs = {"code": m.group(2), "rank": rank.group(1) if rank else None}
        yield Fact("holland", None, m.group(2), prov, m.group(1), attrs)


def _market_size(ctx, block, sentence, prov):
    if not re.search(r"从事|从业|人员", sentence):
        return
    for m in MARKET.finditer(sentence):
        if not m.group(3):
            continue
        count = float(m.group(2)) * (10_000 if m.group(3) == "万" else 100_000_000)
        attrs = {"count": int(count), "qualifier": m.group(1)}
        yield Fact("market_size", None, m.group(0).strip(), prov, sentence, attrs)


def _aliases(ctx, block, sentence, prov):
    cue = ALIAS_CUE.search(sentence)
    if not cue:
        return
    subject = ctx.roles_for(block, sentence[: cue.start()])
    for alias in QUOTED.findall(sentence[cue.end() :]):
        role = ctx.lexicon.resolve_role(alias) if alias in ctx.lexicon.alias_to_role else None
        for owner in [role] if role else subject:
            yield Fact("role_names", owner, alias, prov, sentence, {"alias": alias, "stated": True})


def _enumerations(ctx, block, sentence, prov):
    for m in ENUM.finditer(sentence):
        topic = _listed_topic(m)
        if topic is None:
            continue
        for item in _split_items(m.group("items")):
            for part in _split_trades(item) if topic == "industries" else [item]:
                yield Fact(topic, None, part, prov, sentence, {"kind": "listed"})
    continued = CONTINUATION.match(sentence)
    if continued and not ENUM.search(sentence):
        topics = {_listed_topic(m) for m in ENUM.finditer(_previous(block, sentence))}
        if len(topics) == 1 and None not in topics:
            item = sentence[continued.end() :].rstrip("。")
            yield Fact(topics.pop(), None, item, prov, sentence, {"kind": "listed"})


def _previous(block: Block, sentence: str) -> str:
    """The sentence before `sentence` in its block, or ""."""
    previous = ""
    for _, current in sentences(block.text):
        if current == sentence:
            return previous
        previous = current
    return ""


def _sectors(ctx, block, sentence, prov):
    for m in SECTORS.finditer(sentence):
        for item in _split_items(m.group("items"), LAST_TRADE_JOIN):
            yield Fact("industries", None, item, prov, sentence, {"kind": "listed"})


def _economic_sectors(ctx, block, sentence, prov):
    """Each clause about a sector of the economy, whole: its positions only make sense together."""
    for clause in sentence.split(";"):
        if ECONOMIC_SECTOR.search(clause):
            text = strip_marker(clause).strip(" “”\"'。").removeprefix("在").strip(" “”\"'")
            yield Fact("industries", None, text, prov, None, {"kind": "sector"})


def _listed_topic(m: re.Match) -> str | None:
    """The topic an enumeration's words around its items name ("典型的工作场景包括")."""
    text = m.group("pre") + m.group("cue") + m.group("post")
    for topic in ENUM_TOPICS:
        if any(word in text for word in ENUM_WORDS.get(topic, [])):
            return topic
    return None


def _split_items(text: str, last_join: re.Pattern = LAST_ITEM_JOIN) -> List[str]:
    """Items of an enumeration, split at 、 and ; outside parentheses, and the last at
    `last_join` ("沟通、协调以及谈判")."""
    parts, depth, current = [], 0, []
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch in ITEM_SEPARATORS and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    parts = [ITEM_NUMBER.sub("", p.strip(" “”\"',")) for p in parts]
    if parts:
        pieces = last_join.split(parts[-1])
        if len(pieces) == 2 and all(len(p) >= 2 for p in pieces):
            parts[-1:] = pieces
    return [p for p in parts if 2 <= len(p) <= 30]


def _split_trades(item: str) -> List[str]:
    """ "制造业金融业咨询业" written without separators -> one item per trade."""
    trades = re.findall(r"[^业]{1,6}业", item)
    return trades if len(trades) > 1 and "".join(trades) == item else [item]


EXTRACTORS = (
    _outlook,
    _statements,
    _certifications,
    _education,
    _holland,
    _market_size,
    _aliases,
    _enumerations,
    _sectors,
    _economic_sectors,
)
