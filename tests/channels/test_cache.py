"""The TTL cache: in memory, and over Redis (tested with an in-memory fake of its client)."""

from __future__ import annotations

import sys
from typing import Dict, Tuple

import pytest

from bot.channels.cache import MemoryCache, RedisCache, cache_from_env


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeRedis:
    """The slice of redis.asyncio.Redis that RedisCache uses: SET (NX, PX) and GET."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.data: Dict[str, Tuple[float, bytes]] = {}

    async def set(self, name: str, value: str, px: int | None = None, nx: bool = False):
        live = name in self.data and self.data[name][0] > self.clock()
        if nx and live:
            return None
        expires = self.clock() + (px / 1000 if px else 1e9)
        self.data[name] = (expires, value.encode())
        return True

    async def get(self, name: str) -> bytes | None:
        entry = self.data.get(name)
        return entry[1] if entry and entry[0] > self.clock() else None


class BrokenRedis:
    async def set(self, *args, **kwargs):
        raise ConnectionError("redis is down")

    async def get(self, *args, **kwargs):
        raise ConnectionError("redis is down")


@pytest.fixture(params=["memory", "redis"])
def cache_and_clock(request):
    clock = Clock()
    if request.param == "memory":
        return MemoryCache(clock=clock), clock
    return RedisCache(FakeRedis(clock)), clock


async def test_add_claims_a_key_once_until_it_expires(cache_and_clock):
    cache, clock = cache_and_clock
    assert await cache.add("k", "pending", 10)
    assert not await cache.add("k", "pending", 10)
    assert await cache.get("k") == "pending"
    await cache.set("k", "done:你好", 10)
    assert await cache.get("k") == "done:你好"
    clock.now += 10.5
    assert await cache.get("k") is None
    assert await cache.add("k", "again", 10)


async def test_memory_cache_is_bounded():
    clock = Clock()
    cache = MemoryCache(max_entries=3, clock=clock)
    for i in range(5):
        await cache.set(f"k{i}", str(i), 60)
    assert [await cache.get(f"k{i}") for i in range(5)] == [None, None, "2", "3", "4"]


async def test_redis_outage_lets_messages_through(caplog):
    cache = RedisCache(BrokenRedis())
    assert await cache.add("k", "pending", 10)  # answering twice beats not answering
    assert await cache.get("k") is None
    await cache.set("k", "v", 10)
    assert "Redis" in caplog.text


def test_cache_from_env(monkeypatch, caplog):
    assert isinstance(cache_from_env({}), MemoryCache)
    redis_cache = cache_from_env({"REDIS_URL": "redis://127.0.0.1:6379/0"})  # connects lazily
    assert isinstance(redis_cache, RedisCache)
    monkeypatch.setitem(sys.modules, "redis", None)  # as if the package were not installed
    assert isinstance(cache_from_env({"REDIS_URL": "redis://127.0.0.1:6379/0"}), MemoryCache)
    assert "not installed" in caplog.text
