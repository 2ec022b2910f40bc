"""An async load generator: N concurrent users, each a realistic multi-turn conversation.

Bounded in count and time: each user runs at most `conversations` conversations
and everything stops at `deadline_s`. Only loopback addresses are targeted.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import List, Sequence
from urllib.parse import urlsplit

import aiohttp

CONVERSATION = ("你好", "客服主管工资多少", "那二线城市呢", "要考什么证", "谢谢")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class LoadResult:
    users: int
    latencies_ms: List[float] = field(default_factory=list)
    errors: int = 0
    empty: int = 0
    elapsed_s: float = 0.0

    @property
    def replies_per_s(self) -> float:
        return len(self.latencies_ms) / self.elapsed_s if self.elapsed_s else 0.0


async def _user(
    session: aiohttp.ClientSession,
    url: str,
    user: int,
    conversations: int,
    turns: Sequence[str],
    stop_at: float,
    result: LoadResult,
) -> None:
    for n in range(conversations):
        sender = f"load-{user}-{n}-{time.monotonic_ns()}"
        for text in turns:
            if time.monotonic() > stop_at:
                return
            started = time.perf_counter()
            try:
                async with session.post(url, json={"sender": sender, "message": text}) as resp:
                    body = await resp.json(content_type=None)
                    if resp.status != 200:
                        result.errors += 1
                        continue
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                result.errors += 1
                continue
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            if not body:
                result.empty += 1


async def run_load(
    base_url: str,
    users: int,
    conversations: int,
    deadline_s: float,
    turns: Sequence[str] = CONVERSATION,
) -> LoadResult:
    """Run `users` concurrent users against the REST channel of a loopback Rasa server."""
    if urlsplit(base_url).hostname not in LOOPBACK:
        raise ValueError(f"load tests only target loopback, not {base_url}")
    result = LoadResult(users)
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=users)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.monotonic()
        url = f"{base_url}/webhooks/rest/webhook"
        await asyncio.gather(
            *(
                _user(session, url, u, conversations, turns, started + deadline_s, result)
                for u in range(users)
            )
        )
        result.elapsed_s = time.monotonic() - started
    return result
