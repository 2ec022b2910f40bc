"""Counts the database can do itself: conversations per day and channel, questions per intent.

Only user events are read (type_name = 'user', served by the optional
(type_name, timestamp) index), and only aggregates come back. The day and the
channel inside the JSON text need dialect functions: SQLite and PostgreSQL are
supported, the two databases this project deploys on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from bot.insights.events import EVENTS

# Days are counted in China Standard Time (UTC+8, no daylight saving) unless told otherwise.
DEFAULT_UTC_OFFSET_HOURS = 8


@dataclass(frozen=True)
class DayCount:
    day: str  # YYYY-MM-DD
    channel: str
    conversations: int  # distinct senders who wrote that day on that channel
    messages: int


@dataclass(frozen=True)
class IntentCount:
    intent: str
    questions: int


def _day(engine: Engine, offset_hours: float) -> sa.sql.ColumnElement:
    shifted = EVENTS.c.timestamp + offset_hours * 3600
    if engine.dialect.name == "sqlite":
        return sa.func.date(shifted, "unixepoch")
    if engine.dialect.name == "postgresql":
        utc = sa.func.timezone("UTC", sa.func.to_timestamp(shifted))
        return sa.func.to_char(utc, "YYYY-MM-DD")
    raise NotImplementedError(f"day aggregation on {engine.dialect.name}")


def _channel(engine: Engine) -> sa.sql.ColumnElement:
    if engine.dialect.name == "sqlite":
        return sa.func.json_extract(EVENTS.c.data, "$.input_channel")
    if engine.dialect.name == "postgresql":
        return sa.cast(EVENTS.c.data, postgresql.JSON)["input_channel"].astext
    raise NotImplementedError(f"JSON access on {engine.dialect.name}")


def per_day_and_channel(
    engine: Engine, offset_hours: float = DEFAULT_UTC_OFFSET_HOURS
) -> List[DayCount]:
    day = _day(engine, offset_hours).label("day")
    channel = sa.func.coalesce(_channel(engine), "unknown").label("channel")
    query = (
        sa.select(
            day,
            channel,
            sa.func.count(sa.distinct(EVENTS.c.sender_id)),
            sa.func.count(),
        )
        .where(EVENTS.c.type_name == "user")
        .group_by(day, channel)
        .order_by(day, channel)
    )
    with engine.connect() as conn:
        return [DayCount(str(d), str(c), int(n), int(m)) for d, c, n, m in conn.execute(query)]


def per_channel(engine: Engine) -> List[DayCount]:
    """All-time totals per channel (day is "all"): a sender counts once per channel."""
    channel = sa.func.coalesce(_channel(engine), "unknown").label("channel")
    query = (
        sa.select(channel, sa.func.count(sa.distinct(EVENTS.c.sender_id)), sa.func.count())
        .where(EVENTS.c.type_name == "user")
        .group_by(channel)
        .order_by(sa.func.count().desc())
    )
    with engine.connect() as conn:
        return [DayCount("all", str(c), int(n), int(m)) for c, n, m in conn.execute(query)]


def per_intent(engine: Engine) -> List[IntentCount]:
    query = (
        sa.select(EVENTS.c.intent_name, sa.func.count())
        .where(EVENTS.c.type_name == "user")
        .group_by(EVENTS.c.intent_name)
        .order_by(sa.func.count().desc())
    )
    with engine.connect() as conn:
        return [IntentCount(str(i or "unknown"), int(n)) for i, n in conn.execute(query)]
