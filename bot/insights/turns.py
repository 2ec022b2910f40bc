"""Events -> turns: one user message and what the bot did until that sender spoke again.

Conversations interleave in the table, so an open turn is kept per sender and
closed by that sender's next message, a session start or a restart.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, List, Sequence, Tuple

from bot.insights.events import CLOSING_TYPES, SOURCES_SLOT, EventRow

SOURCE_ID = re.compile(r'"source":\s*"((?:[^"\\]|\\.)*)"')


@dataclass
class Turn:
    sender_id: str
    event_id: int
    timestamp: float
    text: str
    intent: str | None
    confidence: float | None
    alternative: str | None  # the best non-fallback intent, for nlu_fallback turns
    channel: str
    entities: List[Tuple[str, str]] = field(default_factory=list)
    actions: List[str] = field(default_factory=list)
    bot_ids: List[int] = field(default_factory=list)
    bot_texts: List[str] = field(default_factory=list)  # filled only where needed: fill_texts
    sources: List[str] | None = None  # set only when an answer cited documents


def _loads(text: str | None) -> Dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _alternative(parse: Dict[str, Any]) -> str | None:
    for ranked in parse.get("intent_ranking") or []:
        name = (ranked or {}).get("name")
        if name and name != "nlu_fallback":
            return name
    return None


def start_turn(row: EventRow) -> Turn:
    event = _loads(row.data)
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    entities = [
        (str(e.get("entity")), str(e.get("value")))
        for e in parse.get("entities") or []
        if isinstance(e, dict) and e.get("entity") and e.get("value") is not None
    ]
    confidence = intent.get("confidence")
    return Turn(
        sender_id=row.sender_id,
        event_id=row.id,
        timestamp=row.timestamp,
        text=str(event.get("text") or parse.get("text") or ""),
        intent=row.intent_name or intent.get("name"),
        confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
        alternative=_alternative(parse),
        channel=str(event.get("input_channel") or "unknown"),
        entities=entities,
    )


def add_event(turn: Turn, row: EventRow) -> None:
    if row.type_name == "action" and row.action_name:
        if row.action_name != "action_listen":
            turn.actions.append(row.action_name)
    elif row.type_name == "bot":
        turn.bot_ids.append(row.id)
    elif row.type_name == "slot" and row.action_name == SOURCES_SLOT:
        # The value is [{"source": id, "quote": long text}, ...]: read the ids, skip the quotes.
        cited = [json.loads(f'"{m}"') for m in SOURCE_ID.findall(row.data or "")]
        turn.sources = list(dict.fromkeys(cited))


def build_turns(rows: Iterable[EventRow]) -> Iterator[Turn]:
    """Turns in the order they close; each sender's turns come out in their own order."""
    open_turns: Dict[str, Turn] = {}
    for row in rows:
        if row.type_name == "user":
            previous = open_turns.pop(row.sender_id, None)
            if previous is not None:
                yield previous
            open_turns[row.sender_id] = start_turn(row)
        elif row.type_name in CLOSING_TYPES:
            previous = open_turns.pop(row.sender_id, None)
            if previous is not None:
                yield previous
        elif row.sender_id in open_turns:
            add_event(open_turns[row.sender_id], row)
    yield from sorted(open_turns.values(), key=lambda t: t.event_id)


def fill_texts(
    turns: Iterable[Turn],
    fetch: Callable[[Sequence[int]], Dict[int, str]],
    needs_text: Callable[[Turn], bool],
    chunk: int = 2000,
) -> Iterator[Turn]:
    """Turns with their bot texts, fetched in batches only for the turns that need them
    (an answer that cited sources is settled without reading what it said)."""
    batch: List[Turn] = []

    def flush() -> Iterator[Turn]:
        wanted = [i for t in batch if needs_text(t) for i in t.bot_ids]
        texts = fetch(wanted) if wanted else {}
        for t in batch:
            t.bot_texts = [texts[i] for i in t.bot_ids if i in texts]
        yield from batch
        batch.clear()

    for turn in turns:
        batch.append(turn)
        if len(batch) >= chunk:
            yield from flush()
    yield from flush()
