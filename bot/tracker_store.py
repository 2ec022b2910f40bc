"""Rasa's SQLTrackerStore, minus re-reading a conversation it has just written.

Per turn, Rasa's SQL tracker store reads the conversation's latest session (a
query with a sub-query for the session start, then every row) and, to save,
counts those rows again to know which events are new. Profiling put the two
at about a fifth of the Rasa server's CPU per reply (benchmarks/RESULTS.md).

This subclass remembers, for recently active conversations, exactly the rows
Rasa's query would return, and before every use checks them against the
database with one indexed query: the count and highest id of the sender's
rows. Anything else that wrote to the conversation (another server or
worker, the HTTP API, a deletion) changes that stamp, and the rows are read
again the stock way. Table, columns and rows are Rasa's own, so `type: SQL`
reads what this writes and the other way round.
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

# (type_name, timestamp, data) of one stored event, as Rasa's columns hold them.
Row = Tuple[str, float | None, str]
# (number of rows, highest id) of all of one sender's rows.
Stamp = Tuple[int, int | None]

DEFAULT_CACHE_SIZE = 512


@dataclass(frozen=True)
class SessionRows:
    stamp: Stamp
    rows: Tuple[Row, ...]


def latest_session(rows: Tuple[Row, ...]) -> Tuple[Row, ...]:
    """The rows Rasa's `_event_query(..., fetch_events_from_all_sessions=False)` keeps.

    Rasa keeps rows whose timestamp is at or after the latest SessionStarted's
    (so a NULL timestamp drops out), or every row when there is no such start.
    """
    starts = [ts for kind, ts, _ in rows if kind == SessionStarted.type_name and ts is not None]
    if not starts:
        return rows
    start = max(starts)
    return tuple(row for row in rows if row[1] is not None and row[1] >= start)


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that skips the per-turn reload and recount while the database agrees."""

    def __init__(self, *args: Any, cache_size: int = DEFAULT_CACHE_SIZE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cache_size = int(cache_size)
        self._cache: OrderedDict[str, SessionRows] = OrderedDict()
        # Built once: an ORM query built per call cost three times as much as running it.
        event = self.SQLEvent
        self._stamp_query = sa.select(sa.func.count(event.id), sa.func.max(event.id)).where(
            event.sender_id == sa.bindparam("sender_id")
        )

    def _stamp(self, session: Any, sender_id: str) -> Stamp:
        # On the session's connection: the ORM's execute path cost more than the query.
        params = {"sender_id": sender_id}
        count, highest = session.connection().execute(self._stamp_query, params).one()
        return int(count), highest

    def _remember(self, sender_id: str, known: SessionRows) -> SessionRows:
        self._cache[sender_id] = known
        self._cache.move_to_end(sender_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return known

    def session_rows(self, session: Any, sender_id: str) -> SessionRows:
        """The latest session's rows: remembered if the stamp still matches, else read."""
        stamp = self._stamp(session, sender_id)
        known = self._cache.get(sender_id)
        if known is not None and known.stamp == stamp:
            self._cache.move_to_end(sender_id)
            return known
        query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
        rows = tuple((e.type_name, e.timestamp, e.data) for e in query)
        return self._remember(sender_id, SessionRows(stamp, rows))

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            rows = self.session_rows(session, sender_id).rows
        if self.domain and rows:
            events = [json.loads(data) for _, _, data in rows]
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def _row(self, sender_id: str, event: Event) -> Dict[str, Any]:
        """The row Rasa's `SQLTrackerStore.save` writes for an event."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events not yet stored, as Rasa does, and remember the session's rows."""
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            known = self.session_rows(session, sender_id)
            new = [
                self._row(sender_id, event)
                for event in itertools.islice(tracker.events, len(known.rows), None)
            ]
            if new:  # one executemany INSERT: the ORM's unit of work cost twice as much
                session.execute(self.SQLEvent.__table__.insert(), new)
            stamp = self._stamp(session, sender_id)
            session.commit()
        if stamp[0] != known.stamp[0] + len(new):  # someone else wrote meanwhile: reread next time
            self._cache.pop(sender_id, None)
            return
        rows = known.rows + tuple((row["type_name"], row["timestamp"], row["data"]) for row in new)
        self._remember(sender_id, SessionRows(stamp, latest_session(rows)))
