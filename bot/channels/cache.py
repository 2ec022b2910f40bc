"""A small TTL key-value cache: retry de-duplication and each user's numbered options.

In memory by default (one Rasa process); Redis when REDIS_URL is set, so that several
processes behind a load balancer still run a retried message only once.
"""

from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict
from typing import Any, Protocol, Tuple

logger = logging.getLogger(__name__)

MAX_MEMORY_ENTRIES = 20_000


class TTLCache(Protocol):
    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        """Store `value` only if `key` is absent; True when this call stored it."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, ttl_s: float) -> None: ...


class MemoryCache:
    """Process-local TTL cache, bounded in size (oldest entries go first)."""

    def __init__(self, max_entries: int = MAX_MEMORY_ENTRIES, clock=time.monotonic) -> None:
        self._data: OrderedDict[str, Tuple[float, str]] = OrderedDict()
        self._max = max_entries
        self._clock = clock

    def _live(self, key: str) -> str | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._data[key]
            return None
        return entry[1]

    def _store(self, key: str, value: str, ttl_s: float) -> None:
        self._data.pop(key, None)
        self._data[key] = (self._clock() + ttl_s, value)
        if len(self._data) > self._max:
            now = self._clock()
            for k in [k for k, (exp, _) in self._data.items() if exp <= now]:
                del self._data[k]
            while len(self._data) > self._max:
                self._data.popitem(last=False)

    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        if self._live(key) is not None:
            return False
        self._store(key, value, ttl_s)
        return True

    async def get(self, key: str) -> str | None:
        return self._live(key)

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        self._store(key, value, ttl_s)


class RedisCache:
    """The same interface over an asyncio Redis client (``redis.asyncio``).

    A Redis outage must not take the channel down: errors are logged, `add` then lets
    the message through (answering twice beats not answering) and `get` finds nothing.
    """

    def __init__(self, client: Any, prefix: str = "kefu:") -> None:
        self._client = client
        self._prefix = prefix

    async def add(self, key: str, value: str, ttl_s: float) -> bool:
        try:
            stored = await self._client.set(
                self._prefix + key, value, px=max(1, int(ttl_s * 1000)), nx=True
            )
        except Exception as exc:
            logger.warning("Redis unavailable for de-duplication (%s); processing anyway", exc)
            return True
        return bool(stored)

    async def get(self, key: str) -> str | None:
        try:
            value = await self._client.get(self._prefix + key)
        except Exception as exc:
            logger.warning("Redis get failed (%s)", exc)
            return None
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        return value

    async def set(self, key: str, value: str, ttl_s: float) -> None:
        try:
            await self._client.set(self._prefix + key, value, px=max(1, int(ttl_s * 1000)))
        except Exception as exc:
            logger.warning("Redis set failed (%s)", exc)


def cache_from_env(environ: dict | None = None) -> TTLCache:
    """Redis when REDIS_URL is set and the `redis` package is importable, else memory."""
    env = os.environ if environ is None else environ
    url = (env.get("REDIS_URL") or "").strip()
    if not url:
        return MemoryCache()
    try:
        from redis import asyncio as redis_asyncio
    except ImportError:
        logger.warning(
            "REDIS_URL is set but the 'redis' package is not installed; "
            "using an in-memory cache for WeChat/WeCom retries"
        )
        return MemoryCache()
    return RedisCache(redis_asyncio.from_url(url))
