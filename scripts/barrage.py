"""A bounded barrage of bad requests mixed with valid conversations, and a flood test.

    .venv/bin/python -m scripts.barrage                  # starts its own stack (~1 min)
    .venv/bin/python -m scripts.barrage --url http://127.0.0.1:5005 --duration 30

Loopback only: it refuses any other host. Everything is bounded: `--duration` seconds and
at most `--max-requests` requests for the barrage, `--flood-duration` seconds per flood phase.

1. Barrage: workers send every class of bad input (empty, emoji, control and zero-width
   characters, too long, invalid UTF-8 and JSON, bad senders, a 2 MB body, ...) while other
   workers hold real conversations: "客服主管工资多少" must answer with a figure from the fact
   store and a "来源", and "那二线城市呢" must keep the role. Prints requests by status and
   how many conversations were answered correctly.
2. Flood: normal users' reply latency (p50/p95) alone, then with one sender flooding;
   the flooder should collect 429s while every normal user still gets every answer.

Figures only; the assertions live in tests/reliability/test_e2e_reliability.py, which runs a
shorter version of both.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple
from urllib.parse import urlsplit

import aiohttp

ROLE = "客服主管"
TIER = "二线"
FIRST = "客服主管工资多少"
FOLLOW_UP = "那二线城市呢"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# -- what a correct answer looks like -------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """Salary figures as the fact store states them ("8000-12000元"), all tiers and tier 2."""

    figures: Tuple[str, ...]
    tier_figures: Tuple[str, ...]

    @classmethod
    def from_store(cls, store: Path) -> Expected:
        from bot.knowledge import KnowledgeBase

        kb = KnowledgeBase.open(store)
        figures = tuple(s.stated for s in kb.salaries(ROLE))
        tier = tuple(s.stated for s in kb.salaries(ROLE, tier=TIER) if s.tier == TIER)
        if not figures or not tier:
            raise ValueError(f"{store} has no {ROLE} salaries (for {TIER})")
        return cls(figures, tier)

    def first_ok(self, text: str) -> bool:
        return "来源" in text and any(f in text for f in self.figures)

    def follow_up_ok(self, text: str) -> bool:
        return (
            text.startswith(f"{TIER}城市{ROLE}")
            and "来源" in text
            and any(f in text for f in self.tier_figures)
        )


def texts_of(replies: object) -> str:
    if not isinstance(replies, list):
        return ""
    return "\n".join(r.get("text", "") for r in replies if isinstance(r, dict))


# -- bad requests ---------------------------------------------------------------------


def _json(sender: str, message: object, **extra: object) -> bytes:
    return json.dumps({"sender": sender, "message": message, **extra}).encode()


BadBody = Callable[[str], bytes]
BAD: Dict[str, BadBody] = {
    "empty": lambda s: _json(s, ""),
    "whitespace": lambda s: _json(s, " \t\n\u3000 "),
    "emoji": lambda s: _json(s, "😀👍🏻🎉"),
    "punctuation": lambda s: _json(s, "?!。,……——"),
    "control_zero_width": lambda s: _json(s, "\x00\x07\u200b\u200d\ufeff\u202e"),
    "lone_surrogate": lambda s: f'{{"sender": "{s}", "message": "\\ud800\\udfff?"}}'.encode(),
    "too_long": lambda s: _json(s, "客服主管工资多少" * 200),
    "not_a_string": lambda s: _json(s, {"text": "客服"}),
    "bad_metadata": lambda s: _json(s, "你好", metadata=[1, 2]),
    "invalid_utf8": lambda s: b'{"sender": "' + s.encode() + b'", "message": "\xff\xfe\xc3"}',
    "invalid_json": lambda s: b'{"sender": "' + s.encode() + b'", "message": ',
    "json_array": lambda s: b"[1, 2, 3]",
    "missing_sender": lambda s: json.dumps({"message": "客服主管工资多少"}).encode(),
    "long_sender": lambda s: _json("u" * 300, "你好"),
    "path_sender": lambda s: _json("../../etc/passwd", "你好"),
    "sql_sender": lambda s: _json("x'; DROP TABLE events;--", "你好"),
    "big_body": lambda s: _json(s, "x" * 2_000_000),
    "random_bytes": lambda s: os.urandom(256),
}


# -- runs -------------------------------------------------------------------------------


@dataclass
class Figures:
    seconds: float = 0.0
    by_status: Counter = field(default_factory=Counter)
    by_kind: Dict[str, Counter] = field(default_factory=dict)
    conversations: int = 0
    correct: int = 0
    failures: List[str] = field(default_factory=list)
    valid_latencies: List[float] = field(default_factory=list)

    def count(self, kind: str, status: int) -> None:
        self.by_status[status] += 1
        self.by_kind.setdefault(kind, Counter())[status] += 1

    @property
    def requests(self) -> int:
        return sum(self.by_status.values())


def check_loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"refusing {url}: the barrage only targets loopback hosts")
    return url.rstrip("/")


async def post(session: aiohttp.ClientSession, url: str, body: bytes) -> Tuple[int, object]:
    async with session.post(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    ) as res:
        raw = await res.read()
        try:
            return res.status, json.loads(raw)
        except ValueError:
            return res.status, raw


async def conversation(
    session: aiohttp.ClientSession, url: str, sender: str, expected: Expected, figures: Figures
) -> None:
    """Two turns; correct when both answers are right and the second kept the role."""
    figures.conversations += 1
    for turn, text in enumerate((FIRST, FOLLOW_UP)):
        started = time.monotonic()
        try:
            status, replies = await post(session, url, _json(sender, text))
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            figures.count("valid", 0)
            figures.failures.append(f"{sender} turn {turn}: {type(exc).__name__}")
            return
        figures.valid_latencies.append(time.monotonic() - started)
        figures.count("valid", status)
        answer = texts_of(replies)
        ok = expected.first_ok(answer) if turn == 0 else expected.follow_up_ok(answer)
        if status != 200 or not ok:
            figures.failures.append(f"{sender} turn {turn}: {status} {answer[:60]!r}")
            return
    figures.correct += 1


async def barrage(
    url: str,
    expected: Expected,
    duration_s: float = 30.0,
    bad_workers: int = 6,
    valid_workers: int = 3,
    max_requests: int = 20_000,
    senders: int = 40,
) -> Figures:
    """Bad requests from `bad_workers` loops and conversations from `valid_workers` loops."""
    url = check_loopback(url)
    figures = Figures()
    deadline = time.monotonic() + duration_s
    kinds = itertools.cycle(list(BAD))
    run_id = f"{os.getpid()}-{int(time.time())}"
    numbers = itertools.count()
    timeout = aiohttp.ClientTimeout(total=30)

    def more() -> bool:
        return time.monotonic() < deadline and figures.requests < max_requests

    async def bad_loop(session: aiohttp.ClientSession) -> None:
        while more():
            kind = next(kinds)
            sender = f"bad-{run_id}-{next(numbers) % senders}"
            try:
                status, _ = await post(session, url, BAD[kind](sender))
            except (aiohttp.ClientError, asyncio.TimeoutError):
                status = 0  # e.g. the server closed on an oversized body
            figures.count(kind, status)

    async def valid_loop(session: aiohttp.ClientSession) -> None:
        while more():
            await conversation(session, url, f"ok-{run_id}-{next(numbers)}", expected, figures)

    started = time.monotonic()
    connector = aiohttp.TCPConnector(limit=bad_workers + valid_workers + 2)
    async with aiohttp.ClientSession(
        timeout=timeout, connector=connector, trust_env=False
    ) as session:
        await asyncio.gather(
            *(bad_loop(session) for _ in range(bad_workers)),
            *(valid_loop(session) for _ in range(valid_workers)),
        )
    figures.seconds = time.monotonic() - started
    return figures


@dataclass
class FloodFigures:
    flooding: bool
    seconds: float = 0.0
    latencies: List[float] = field(default_factory=list)
    conversations: int = 0
    correct: int = 0
    failures: List[str] = field(default_factory=list)
    flooder: Counter = field(default_factory=Counter)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        if len(self.latencies) < 2:
            return self.p50
        return statistics.quantiles(self.latencies, n=20)[-1]


async def flood(
    url: str,
    expected: Expected,
    flooding: bool,
    duration_s: float = 10.0,
    users: int = 3,
    flood_workers: int = 16,
    max_flood_requests: int = 20_000,
) -> FloodFigures:
    """Normal users hold conversations for `duration_s`; one sender floods if `flooding`."""
    url = check_loopback(url)
    out = FloodFigures(flooding)
    deadline = time.monotonic() + duration_s
    run_id = f"{os.getpid()}-{int(time.time() * 1000)}"
    numbers = itertools.count()

    async def user_loop(session: aiohttp.ClientSession) -> None:
        while time.monotonic() < deadline:
            figures = Figures()
            await conversation(session, url, f"user-{run_id}-{next(numbers)}", expected, figures)
            out.conversations += 1
            out.correct += figures.correct
            out.failures += figures.failures
            out.latencies += figures.valid_latencies

    async def flood_loop(session: aiohttp.ClientSession) -> None:
        body = _json(f"flooder-{run_id}", FIRST)
        while time.monotonic() < deadline and sum(out.flooder.values()) < max_flood_requests:
            try:
                status, _ = await post(session, url, body)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                status = 0
            out.flooder[status] += 1

    started = time.monotonic()
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(
        timeout=timeout,
        connector=aiohttp.TCPConnector(limit=users + flood_workers + 2),
        trust_env=False,
    ) as session:
        loops = [user_loop(session) for _ in range(users)]
        if flooding:
            loops += [flood_loop(session) for _ in range(flood_workers)]
        await asyncio.gather(*loops)
    out.seconds = time.monotonic() - started
    return out


# -- report -------------------------------------------------------------------------------


def barrage_report(f: Figures) -> str:
    lines = [
        f"barrage: {f.requests} requests in {f.seconds:.1f} s "
        f"({f.requests / max(f.seconds, 1e-9):.0f}/s)",
        "  by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(f.by_status.items())),
    ]
    for kind, counts in sorted(f.by_kind.items()):
        lines.append(f"    {kind:<20} " + ", ".join(f"{s}: {n}" for s, n in sorted(counts.items())))
    lat = sorted(f.valid_latencies)
    p50 = statistics.median(lat) if lat else float("nan")
    lines.append(
        f"  valid conversations answered correctly: {f.correct}/{f.conversations} "
        f"(turn latency p50 {p50 * 1000:.0f} ms)"
    )
    lines += [f"    FAILED {x}" for x in f.failures[:10]]
    return "\n".join(lines)


def flood_report(quiet: FloodFigures, loud: FloodFigures) -> str:
    lines = []
    for f in (quiet, loud):
        name = "with a flooder   " if f.flooding else "without a flooder"
        line = (
            f"{name}: normal users p50 {f.p50 * 1000:.0f} ms, p95 {f.p95 * 1000:.0f} ms, "
            f"{f.correct}/{f.conversations} conversations correct"
        )
        if f.flooding:
            line += "; flooder got " + ", ".join(f"{s}: {n}" for s, n in sorted(f.flooder.items()))
        lines.append(line)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running Rasa server (loopback); default: start one")
    parser.add_argument("--store", type=Path, default=None, help="fact store (KNOWLEDGE_DB)")
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--flood-duration", type=float, default=10.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parents[1]
    store = args.store or Path(os.environ.get("KNOWLEDGE_DB") or root / "build" / "knowledge.db")
    expected = Expected.from_store(store)

    def run(url: str) -> Tuple[Figures, FloodFigures, FloodFigures]:
        b = asyncio.run(barrage(url, expected, args.duration, max_requests=args.max_requests))
        quiet = asyncio.run(flood(url, expected, False, args.flood_duration))
        loud = asyncio.run(flood(url, expected, True, args.flood_duration))
        return b, quiet, loud

    if args.url:
        b, quiet, loud = run(check_loopback(args.url))
    else:
        from scripts.stack import running_stack

        with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp), store) as stack:
            print(f"stack up in {stack.rasa_ready_s:.0f} s at {stack.url}", flush=True)
            b, quiet, loud = run(stack.url)
    print(barrage_report(b))
    print(flood_report(quiet, loud))
    ok = (
        not b.by_status.get(500)
        and b.correct == b.conversations
        and loud.correct == loud.conversations
        and loud.flooder.get(429, 0) > 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
