"""Which turns went unanswered, and why, from what the actions already leave in the events.

No marker slot is needed: the intent, the action names, the `last_sources` slot an
answer sets and the fixed openings of bot.render's replies (in either script, since
replies mirror the user's) tell the outcomes apart.
"""

from __future__ import annotations

from functools import cache
from typing import Dict, Iterable, Iterator, List, Tuple

from bot.insights.turns import Turn

ANSWERED = "answered"
OTHER = "other"  # greetings, thanks, help: nothing was asked of the knowledge base
ASKED_BACK = "asked_back"  # a clarification, until we know whether it was completed
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
NOT_COVERED = "not_covered"
UNFINISHED = "clarification"
UNANSWERED = (FALLBACK, OUT_OF_SCOPE, NOT_COVERED, UNFINISHED)
REASON_NAMES: Dict[str, str] = {
    FALLBACK: "没听懂",
    OUT_OF_SCOPE: "超出范围",
    NOT_COVERED: "知识库未覆盖",
    UNFINISHED: "追问未完成",
}

# The openings of bot.render's replies (tests/insights check they stay in sync).
NOT_COVERED_OPENINGS = (
    "抱歉,知识库只覆盖客服类岗位",  # not_covered_role
    "抱歉,知识库没有",  # not_covered_place
    "知识库中没有",  # salary_answer / facts_answer without facts
)
OUT_OF_SCOPE_OPENINGS = ("这个问题超出了我的范围",)
ASK_BACK_OPENINGS = (
    "抱歉,我没太明白",  # clarify
    "您想了解哪个岗位的",  # ask_role
    "请告诉我要对比的两个岗位",  # compare without two roles
)
ASK_TOPIC_PATTERN = ("您想了解", "的哪方面?")  # ask_topic, with the role in between
ASK_BACK_ACTIONS = ("action_clarify",)
# The custom actions whose replies can say "not covered", "out of scope" or ask back.
REPLYING_ACTIONS = (
    "action_answer",
    "action_compare_roles",
    "action_out_of_scope",
    "action_clarify",
)


@cache
def _both_scripts(openings: Tuple[str, ...]) -> Tuple[str, ...]:
    from bot.text import to_traditional

    return tuple(dict.fromkeys([*openings, *(to_traditional(o) for o in openings)]))


def _opens(texts: List[str], openings: Tuple[str, ...]) -> bool:
    variants = _both_scripts(openings)
    return any(text.startswith(variants) for text in texts)


def _asks_topic(texts: List[str]) -> bool:
    start, end = _both_scripts(ASK_TOPIC_PATTERN[:1]), _both_scripts(ASK_TOPIC_PATTERN[1:])
    return any(t.startswith(start) and t.rstrip().endswith(end) for t in texts)


def needs_text(turn: Turn) -> bool:
    """Whether the outcome depends on what the bot said (cheap to decide without it)."""
    return not turn.sources and any(a in REPLYING_ACTIONS for a in turn.actions)


def outcome(turn: Turn) -> str:
    """The turn's own outcome; ASKED_BACK is settled by `classify` with the next turns."""
    texts = turn.bot_texts
    if _opens(texts, NOT_COVERED_OPENINGS):
        return NOT_COVERED
    if turn.intent == OUT_OF_SCOPE or _opens(texts, OUT_OF_SCOPE_OPENINGS):
        return OUT_OF_SCOPE
    if turn.intent == FALLBACK:
        return FALLBACK
    if turn.sources:
        return ANSWERED
    asked = any(a in ASK_BACK_ACTIONS for a in turn.actions)
    if asked or _opens(texts, ASK_BACK_OPENINGS) or _asks_topic(texts):
        return ASKED_BACK
    return OTHER


def classify(turns: Iterable[Turn]) -> Iterator[Tuple[Turn, str]]:
    """(turn, outcome) for every turn. A clarification counts as completed when the
    sender's next turn that is not itself a clarification was answered; otherwise,
    including when the user never replied, it is an unfinished clarification."""
    pending: Dict[str, List[Turn]] = {}
    for turn in turns:
        result = outcome(turn)
        waiting = pending.pop(turn.sender_id, [])
        if result == ASKED_BACK:
            pending[turn.sender_id] = [*waiting, turn]
            continue
        settled = ANSWERED if result == ANSWERED else UNFINISHED
        for asked in waiting:
            yield asked, settled
        yield turn, result
    for waiting in pending.values():
        for asked in waiting:
            yield asked, UNFINISHED
