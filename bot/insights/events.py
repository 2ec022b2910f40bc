"""Reading Rasa's `events` table with SQLAlchemy core, page by page.

The table is Rasa's (rasa.core.tracker_store.SQLTrackerStore.SQLEvent); we only
read it. Pages are keyset-paginated on the primary key, so memory stays flat and
every page is an index range scan, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, Mapping, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.knowledge.paths import PROJECT_ROOT

DEFAULT_DB = PROJECT_ROOT / "var" / "tracker.db"
PAGE_ROWS = 5000
# Events that end a turn without a new message.
CLOSING_TYPES = ("session_started", "restart")
SOURCES_SLOT = "last_sources"
# Optional, created by `python -m bot.insights index`: the SQL aggregates filter on it.
TYPE_TIME_INDEX = "ix_events_type_name_timestamp"

metadata = sa.MetaData()
# The same columns and types as Rasa's SQLEvent.
EVENTS = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


@dataclass(frozen=True)
class EventRow:
    id: int
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: str | None
    action_name: str | None
    data: str | None  # JSON text, only for user events and the sources slot


def tracker_db_url(env: Mapping[str, str] = os.environ) -> str:
    """$TRACKER_DB_URL, else $DATABASE_URL (postgres:// spelled for SQLAlchemy), else SQLite."""
    url = env.get("TRACKER_DB_URL") or env.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{DEFAULT_DB}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    return url


def open_engine(url: str) -> Engine:
    """An engine that reads; SQLite files are opened read-only so the console never writes."""
    if url.startswith("sqlite:///") and "?" not in url:
        path = Path(url[len("sqlite:///") :]).resolve()
        return sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    return sa.create_engine(url, pool_pre_ping=True)


def sqlite_file(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    return Path(engine.url.database.removeprefix("file:"))


def snapshot_key(engine: Engine) -> Tuple[int, float]:
    """(max event id, SQLite file mtime): changes whenever Rasa writes; one index lookup."""
    path = sqlite_file(engine)
    mtime = path.stat().st_mtime if path and path.exists() else 0.0
    try:
        with engine.connect() as conn:
            top = conn.execute(sa.select(sa.func.max(EVENTS.c.id))).scalar() or 0
    except SQLAlchemyError:
        return (0, mtime)
    return (int(top), mtime)


def has_events_table(engine: Engine) -> bool:
    try:
        return sa.inspect(engine).has_table("events")
    except SQLAlchemyError:
        return False


def stream(engine: Engine, after_id: int = 0, page: int = PAGE_ROWS) -> Iterator[EventRow]:
    """Turn-relevant events in id order. JSON comes only with user events and the sources
    slot; bot messages come without it (see `bot_texts`), listens and other slots not at all."""
    c = EVENTS.c
    sources_slot = sa.and_(c.type_name == "slot", c.action_name == SOURCES_SLOT)
    data = sa.case((sa.or_(c.type_name == "user", sources_slot), c.data), else_=sa.null())
    relevant = sa.or_(
        c.type_name.in_(("user", "bot", *CLOSING_TYPES)),
        sa.and_(c.type_name == "action", c.action_name != "action_listen"),
        sources_slot,
    )
    query = (
        sa.select(c.id, c.sender_id, c.type_name, c.timestamp, c.intent_name, c.action_name, data)
        .where(relevant)
        .order_by(c.id)
        .limit(page)
    )
    last = after_id
    while True:
        with engine.connect() as conn:
            rows = conn.execute(query.where(c.id > last)).all()
        for row in rows:
            yield EventRow(row[0], row[1], row[2], row[3] or 0.0, row[4], row[5], row[6])
        if len(rows) < page:
            return
        last = rows[-1][0]


def bot_texts(engine: Engine, ids: Sequence[int], chunk: int = 500) -> Dict[int, str]:
    """The text of the given bot events, by primary key lookups in chunks."""
    texts: Dict[int, str] = {}
    c = EVENTS.c
    with engine.connect() as conn:
        for start in range(0, len(ids), chunk):
            query = sa.select(c.id, c.data).where(c.id.in_(ids[start : start + chunk]))
            for event_id, data in conn.execute(query):
                try:
                    text = json.loads(data or "{}").get("text")
                except (ValueError, AttributeError):
                    text = None
                if text:
                    texts[int(event_id)] = str(text)
    return texts


def ensure_index(url: str) -> str:
    """Create the (type_name, timestamp) index the aggregates use; opens the DB for writing."""
    engine = sa.create_engine(url)
    index = sa.Index(TYPE_TIME_INDEX, EVENTS.c.type_name, EVENTS.c.timestamp)
    index.create(engine, checkfirst=True)
    return TYPE_TIME_INDEX
