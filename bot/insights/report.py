"""One pass over the events into everything the HR console shows, and its CSV tables.

Per-day, per-channel and per-intent counts are SQL aggregates; the rest needs turns
(what the bot did after each message), built in a single streamed pass. Nothing about
a user is kept but a keyed hash of the sender id.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Mapping, Sequence, Tuple

from sqlalchemy.engine import Engine

from bot.insights import aggregate
from bot.insights.classify import ANSWERED, REASON_NAMES, UNANSWERED, classify, needs_text
from bot.insights.cluster import cluster_texts, normalize_question
from bot.insights.events import bot_texts, has_events_table, snapshot_key, stream
from bot.insights.turns import Turn, build_turns, fill_texts

EXAMPLES_PER_CLUSTER = 5
# Besides the topic questions (bot.query.TOPIC_NAMES), the intents that ask something.
OTHER_INTENT_NAMES = {"compare_roles": "岗位对比", "ask_source": "出处"}


@dataclass(frozen=True)
class Question:
    """An unanswered turn: what was asked, where, when, and what the NLU made of it."""

    text: str
    reason: str
    intent: str
    confidence: float | None
    alternative: str | None
    channel: str
    timestamp: float
    sender: str  # keyed hash, never the sender id
    cluster: int = 0


@dataclass
class Cluster:
    id: int
    count: int
    label: str
    examples: List[Tuple[str, int]]
    reasons: Dict[str, int]
    intents: Dict[str, int]
    channels: Dict[str, int]
    last_seen: float


@dataclass
class Insights:
    key: Tuple[int, float] = (0, 0.0)
    computed_at: float = 0.0
    seconds: float = 0.0
    utc_offset_hours: float = aggregate.DEFAULT_UTC_OFFSET_HOURS
    turns: int = 0
    answered: int = 0
    questions: List[Question] = field(default_factory=list)
    clusters: List[Cluster] = field(default_factory=list)
    roles: List[Tuple[str, int]] = field(default_factory=list)
    topics: List[Tuple[str, str, int]] = field(default_factory=list)  # intent, name, count
    daily: List[aggregate.DayCount] = field(default_factory=list)
    channels: List[aggregate.DayCount] = field(default_factory=list)
    sources: List[Tuple[str, str, int]] = field(default_factory=list)  # id, title, answers


def hash_sender(sender_id: str, salt: str = "") -> str:
    digest = hashlib.blake2b(sender_id.encode(), key=salt.encode()[:64], digest_size=8)
    return digest.hexdigest()


def topic_names() -> Dict[str, str]:
    """Question intents and their Chinese names; greetings, thanks and the like are not topics."""
    from bot.query import TOPIC_NAMES

    return {**TOPIC_NAMES, **OTHER_INTENT_NAMES}


def _question(turn: Turn, reason: str, salt: str) -> Question:
    return Question(
        text=turn.text,
        reason=reason,
        intent=turn.intent or "unknown",
        confidence=turn.confidence,
        alternative=turn.alternative,
        channel=turn.channel,
        timestamp=turn.timestamp,
        sender=hash_sender(turn.sender_id, salt),
    )


def group_questions(questions: Sequence[Question]) -> Tuple[List[Question], List[Cluster]]:
    """Questions with their cluster id, and clusters largest first (ids 1, 2, ...)."""
    by_text: Dict[str, List[int]] = defaultdict(list)
    for i, q in enumerate(questions):
        by_text[normalize_question(q.text) or q.text].append(i)
    texts = sorted(by_text, key=lambda t: (-len(by_text[t]), t))
    labels = cluster_texts(texts)
    members: Dict[int, List[int]] = defaultdict(list)
    for text, label in zip(texts, labels, strict=True):
        members[label].extend(by_text[text])
    ranked = sorted(members.values(), key=lambda idx: (-len(idx), min(idx)))
    out = list(questions)
    clusters = []
    for number, indices in enumerate(ranked, start=1):
        group = [questions[i] for i in indices]
        for i in indices:
            out[i] = _with_cluster(questions[i], number)
        counts = Counter(q.text for q in group)
        shown = sorted(counts.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
        shown = shown[:EXAMPLES_PER_CLUSTER]
        clusters.append(
            Cluster(
                id=number,
                count=len(group),
                label=shown[0][0],
                examples=shown,
                reasons=dict(Counter(q.reason for q in group).most_common()),
                intents=dict(Counter(q.alternative or q.intent for q in group).most_common(3)),
                channels=dict(Counter(q.channel for q in group).most_common()),
                last_seen=max(q.timestamp for q in group),
            )
        )
    return out, clusters


def _with_cluster(q: Question, cluster: int) -> Question:
    return Question(**{**q.__dict__, "cluster": cluster})


def source_titles() -> Dict[str, str]:
    """Document titles from the fact store; empty (ids are shown) when it is not built."""
    try:
        from bot.knowledge import KnowledgeBase

        return {s.id: s.title for s in KnowledgeBase.open().sources()}
    except Exception:  # a console without a fact store still works
        return {}


def compute(
    engine: Engine,
    salt: str = "",
    utc_offset_hours: float = aggregate.DEFAULT_UTC_OFFSET_HOURS,
    titles: Mapping[str, str] | None = None,
) -> Insights:
    """Everything the console shows, from the events as they are now."""
    started = time.perf_counter()
    result = Insights(key=snapshot_key(engine), utc_offset_hours=utc_offset_hours)
    if not has_events_table(engine):
        result.computed_at = time.time()
        return result
    roles: Counter[str] = Counter()
    answers: Counter[str] = Counter()
    questions: List[Question] = []
    turns = fill_texts(build_turns(stream(engine)), lambda ids: bot_texts(engine, ids), needs_text)
    for turn, outcome in classify(turns):
        result.turns += 1
        roles.update({value for entity, value in turn.entities if entity == "role"})
        if outcome == ANSWERED:
            result.answered += 1
            answers.update(turn.sources or [])
        elif outcome in UNANSWERED:
            questions.append(_question(turn, outcome, salt))
    questions.sort(key=lambda q: -q.timestamp)
    result.questions, result.clusters = group_questions(questions)
    result.roles = roles.most_common()
    titles = source_titles() if titles is None else titles
    result.sources = [(s, titles.get(s, s), n) for s, n in answers.most_common()]
    names = topic_names()
    result.topics = [
        (c.intent, names[c.intent], c.questions)
        for c in aggregate.per_intent(engine)
        if c.intent in names
    ]
    result.daily = aggregate.per_day_and_channel(engine, utc_offset_hours)
    result.channels = aggregate.per_channel(engine)
    result.computed_at = time.time()
    result.seconds = time.perf_counter() - started
    return result


def local_time(timestamp: float, utc_offset_hours: float) -> str:
    zone = timezone(timedelta(hours=utc_offset_hours))
    return datetime.fromtimestamp(timestamp, tz=zone).strftime("%Y-%m-%d %H:%M")


def reason_name(reason: str) -> str:
    return REASON_NAMES.get(reason, reason)
