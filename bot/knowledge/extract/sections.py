"""Facts carried by document structure: list items, numbered sub-headings, statements.

A bullet under "关键技能" is a skill; "1. 客户支持专员" under "正式名称" is a
role name; a prose sentence under "发展前景" is an outlook statement. The topic
comes from the heading, or from the sentence that introduces the list
("推荐的职业资格认证包括:").
"""

from __future__ import annotations

import re
from typing import Dict, List, Sequence

from bot.knowledge.extract.context import DocContext
from bot.knowledge.models import Fact, Provenance
from bot.knowledge.structure import Block, sentences, strip_marker

# Topics answered with prose sentences as well as list items.
STATEMENT_TOPICS = {
    "overview",
    "outlook",
    "daily_routine",
    "duties",
    "challenges",
    "training",
    "traits",
    "skills",
    "salary_factors",
}
# Topics a sentence names by words that mean nothing else (教育背景, 资讯平台, 证书), so a
# statement naming one belongs to it whichever section it sits in.
REQUIREMENTS = {"education", "platforms", "certification"}
# Topics whose values are typed and extracted elsewhere.
TYPED_TOPICS = {"salary"}
REMEDY = re.compile(r"解决|应对|突破|途径|方式")
YEARS = re.compile(r"[((]\s*(\d+)\s*(?:-|~|至)\s*(\d+)\s*年\s*[))]|[((]\s*(\d+)\s*年以上\s*[))]")
LABEL = re.compile(r"^([^::]{1,20})[::]\s*(.*)$")
# "职业定义,工作流程,客服,收入,职业等级,": a page's list of its own headings, not a statement.
NAVIGATION = re.compile(r"^(?:[^,。、]{1,6},)+$")
# After a role named first: "客服主管负责确保客户满意度,…" in an overview is also a duty.
DUTY_VERB = re.compile(r"(?:主要|还|则|通常)?负责")


def _split_label(text: str):
    m = LABEL.match(text)
    if m and m.group(2):
        return m.group(1).strip(), m.group(2).strip()
    return text, None


def _intro_topic(ctx: DocContext, intro: Block | None) -> str | None:
    """A list's topic as its introducing sentence names it, if it ends in a colon."""
    if intro is None or not intro.text.rstrip().endswith(":"):
        return None
    last_sentence = re.split(r"[。!?]", intro.text.rstrip())[-1]
    topics = ctx.lexicon.topics_in(last_sentence)
    return topics[0] if topics and topics[0] not in TYPED_TOPICS else None


def extract_sections(ctx: DocContext, blocks: Sequence[Block]) -> None:
    intro: Block | None = None
    stages: Dict[str, List[Fact]] = {}
    for index, block in enumerate(blocks):
        topic = ctx.section_topic(block, skip=TYPED_TOPICS)
        if block.kind == "paragraph":
            intro = block if block.text.rstrip().endswith(":") else None
            parent = block.headings[-1] if block.headings else None
            under_numbered = parent is not None and parent.numbered and parent.level > 1
            if topic in STATEMENT_TOPICS and not under_numbered:
                _statements(ctx, block, topic)
            continue
        if block.kind == "heading" and block.order:
            detail = _next_paragraph(blocks, index)
            _item(ctx, block, strip_marker(block.text), topic, detail, None, stages)
            continue
        if block.kind == "item":
            topic = _intro_topic(ctx, intro) or topic
            label, detail = _split_label(strip_marker(block.text))
            _item(ctx, block, label, topic, detail, intro, stages)
        elif block.kind == "heading":
            intro = None
    for path in stages.values():
        _finish_path(ctx, path)


def _next_paragraph(blocks: Sequence[Block], index: int) -> str | None:
    if index + 1 < len(blocks) and blocks[index + 1].kind == "paragraph":
        first = next(sentences(blocks[index + 1].text), None)
        return first[1] if first else None
    return None


def _statements(ctx: DocContext, block: Block, section_topic: str) -> None:
    for offset, sentence in sentences(block.text):
        if sentence.endswith(":") or len(sentence) < 8 or NAVIGATION.match(sentence):
            continue
        provenance = ctx.provenance(block, offset, sentence)
        topic = _statement_topic(ctx, sentence, section_topic)
        for role in ctx.roles_for(block, sentence):
            ctx.add_fact(Fact(topic, role, sentence, provenance))
        if topic == "overview":
            _duty_statement(ctx, sentence, provenance)


def _statement_topic(ctx: DocContext, sentence: str, section_topic: str) -> str:
    """The section's topic, unless the sentence names a topic of REQUIREMENTS and not it.

    Under "学习路径规划与职业技能成长资源推荐" (skills), "…要求具备相关的本科或研究生教育背景"
    states the education and "相关的职业资讯平台包括智联招聘…" the platforms. Broader words
    stay where they are: 行业 in an outlook sentence is the outlook's business.
    """
    named = [t for t in ctx.lexicon.topics_in(sentence) if t in REQUIREMENTS]
    return section_topic if not named or section_topic in named else named[0]


def _duty_statement(ctx: DocContext, sentence: str, provenance: Provenance) -> None:
    """An overview sentence whose subject is a role and whose verb is 负责 states its duty."""
    named = ctx.lexicon.find_roles(sentence)
    if named and named[0][2] == 0 and DUTY_VERB.match(sentence, len(named[0][1])):
        ctx.add_fact(Fact("duties", named[0][0], sentence, provenance, None, {"kind": "statement"}))


def _item(ctx, block, label, topic, detail, intro, stages) -> None:
    if topic is None or not label:
        return
    if topic == "certification" and "强制性" in label:
        return  # typed by the certification pattern
    provenance = ctx.provenance(block, 0, block.text)
    attrs: Dict[str, object] = {"order": block.order}
    if topic == "role_names":
        role = ctx.lexicon.resolve_role(label)
        ctx.add_fact(Fact(topic, role, label, provenance, detail, {"alias": label}))
        if role == label and detail:  # the role under its own name: what the position is
            ctx.add_fact(Fact("overview", role, detail, provenance))
        return
    if topic == "challenges" and intro is not None and REMEDY.search(intro.text):
        attrs["kind"] = "remedy"
    if topic == "career_path":
        attrs.update(_stage(ctx, label))
        fact = Fact(topic, ctx.main_role, attrs.pop("stage"), provenance, detail, attrs)
        stages.setdefault(block.section, []).append(fact)
        return
    for role in ctx.roles_for(block, label):
        ctx.add_fact(Fact(topic, role, label, provenance, detail, attrs))


def _stage(ctx: DocContext, label: str) -> Dict[str, object]:
    """A career stage: its name, the roles it names and the years it states."""
    m = YEARS.search(label)
    stage = YEARS.sub("", label).strip()
    attrs: Dict[str, object] = {"stage": stage, "stage_roles": ctx.lexicon.roles_in_label(stage)}
    if m:
        low, high = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), None)
        attrs["min_years"] = int(low)
        attrs["max_years"] = int(high) if high else None
    return attrs


def _finish_path(ctx: DocContext, stages: List[Fact]) -> None:
    """Store a path's stages in order, each knowing every role on its path."""
    path_roles: List[str] = []
    for fact in stages:
        for role in fact.attrs.get("stage_roles", []):
            if role not in path_roles:
                path_roles.append(role)
    for step, fact in enumerate(stages, start=1):
        attrs = dict(fact.attrs, step=step, path_roles=path_roles)
        ctx.add_fact(Fact(fact.topic, fact.role, fact.value, fact.provenance, fact.detail, attrs))
