"""Computed insights, reused until Rasa writes another event.

The key (max event id, SQLite mtime) costs one index lookup. A busy assistant writes
events all the time, so a page view does not wait for a recomputation: it gets the
last result (marked stale) while one background thread computes the new one, at most
once per `min_interval_s` so that a console left open cannot keep a core busy. Only
the very first view waits; the web app starts that computation when it boots.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Tuple

from sqlalchemy.engine import Engine

from bot.insights.events import open_engine, snapshot_key
from bot.insights.report import Insights, compute


class InsightsCache:
    def __init__(
        self,
        url: str,
        salt: str = "",
        compute_fn: Callable[..., Insights] = compute,
        min_interval_s: float = 0.0,
    ) -> None:
        self.engine: Engine = open_engine(url)
        self.salt = salt
        self._compute = compute_fn
        self._lock = threading.Lock()  # one computation at a time
        self._value: Insights | None = None
        self._refreshing: threading.Thread | None = None
        self._starting = threading.Lock()  # at most one background refresh
        self.min_interval_s = min_interval_s

    def _refresh(self) -> Insights:
        with self._lock:
            key = snapshot_key(self.engine)
            if self._value is None or self._value.key != key:
                self._value = self._compute(self.engine, salt=self.salt)
            return self._value

    def get(self) -> Insights:
        """The insights for the store as it is now (waits for a computation if needed)."""
        value = self._value
        if value is not None and value.key == snapshot_key(self.engine):
            return value
        return self._refresh()

    def get_nowait(self) -> Tuple[Insights, bool]:
        """(insights, fresh): the last result at once, refreshed in the background if stale."""
        value = self._value
        if value is None:
            return self._refresh(), True
        if value.key == snapshot_key(self.engine):
            return value, True
        self.refresh_in_background()
        return value, False

    def refresh_in_background(self) -> None:
        value = self._value
        if value is not None and time.time() - value.computed_at < self.min_interval_s:
            return
        with self._starting:
            if self._refreshing is None or not self._refreshing.is_alive():
                self._refreshing = threading.Thread(target=self._refresh, daemon=True)
                self._refreshing.start()
