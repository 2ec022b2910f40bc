"""`make test-scale`: two Rasa servers on real Redis and PostgreSQL, behind nginx.

Starts Debian's redis-server, PostgreSQL 15 and nginx (scripts/services.py), one action
server and two Rasa servers with endpoints.scale.yml (Rasa's RedisLockStore and
SQLTrackerStore, reached through scripts/endpoints_env.py exactly as `make run` does), then:

1. one instance: N conversations x 5 context-dependent turns at concurrency C, all to one server;
2. two instances: the same load, each conversation's turns alternating between the servers;
3. through nginx, SIGKILLing one server once a third of the turns are answered: nginx must
   route to the survivor and every conversation must still complete (a turn that was in
   flight on the dead server comes back as 502 and is sent again, as the widget's 重试 does).

Every reply is checked against what that turn means in its conversation, and afterwards
PostgreSQL's events table must hold every user turn exactly once, in order, with no
duplicated row. Prints throughput of one vs two instances, events lost/duplicated and the
time taken. Everything listens on 127.0.0.1, the load is fixed in size, every wait has a
deadline, and all processes are stopped on any failure.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple
from urllib.parse import urlsplit

import aiohttp

from scripts import services
from scripts.stack import BIN, MODEL, RASA_SERVER, ROOT, free_port, wait_until_up

LOOPBACK = "127.0.0.1"
# A dead server's ticket for a conversation blocks that conversation until it expires
# (Rasa's default is 60 s); the resent turn waits at most this long. It must stay well above
# the longest turn; 20 s is what docker-compose.yml uses. The resent turn's own ticket ages
# while it queues behind the dead one and can expire with it; bot.server then raises
# LockError (Rasa would wait for the expired ticket forever) and the REST channel tries once
# more with a fresh ticket instead of apologising.
TICKET_LOCK_LIFETIME_S = 20
# The REST channel's deadlines (5 s per action call, 12 s per turn) protect users from a
# stuck server; here they would turn CPU contention on a shared 2-core CI machine into
# "暂时无法查询" replies, which is not what this test is about.
DEADLINES = {"ACTION_TIMEOUT_S": "30", "TURN_TIMEOUT_S": "40"}


@dataclass(frozen=True)
class Turn:
    text: str
    starts: str
    contains: Tuple[str, ...] = ()
    absent: Tuple[str, ...] = ()

    def right(self, reply: str) -> bool:
        return (
            reply.startswith(self.starts)
            and all(part in reply for part in self.contains)
            and not any(part in reply for part in self.absent)
        )


# Two conversations whose later turns only make sense with the earlier ones: the tier
# follow-up keeps the role, the certificate question keeps the role, the bare role keeps
# the certificate topic. Alternating them means a mixed-up tracker shows as a wrong reply.
CONVERSATIONS: Dict[str, Tuple[Turn, ...]] = {
    "a": (
        Turn("客服主管工资多少", "客服主管的薪资", ("18000-30000元/月",)),
        Turn("那二线城市呢", "二线城市客服主管的薪资", ("13000-20000元/月",), ("18000-30000",)),
        Turn("要考什么证", "客服主管的证书", ("PMP",)),
        Turn("客服总监呢", "客服总监的证书", ("客户服务管理师",), ("PMP",)),
        Turn("谢谢", "不客气"),
    ),
    "b": (
        Turn("客服总监工资多少", "客服总监的薪资", ("15万-25万元/年",)),
        Turn("那一线城市呢", "一线城市客服总监的薪资", ("15万-25万元/年",)),
        Turn("要考什么证", "客服总监的证书", ("客户服务管理师",), ("PMP",)),
        Turn("客服主管呢", "客服主管的证书", ("PMP",)),
        Turn("谢谢", "不客气"),
    ),
}


@dataclass
class Round:
    name: str
    conversations: int
    ok_turns: int = 0
    completed: int = 0
    errors: int = 0  # HTTP errors and timeouts, including those that were resent
    wrong: List[str] = field(default_factory=list)
    latencies_ms: List[float] = field(default_factory=list)
    elapsed_s: float = 0.0
    # sender -> attempts per answered turn (1 = answered the first time)
    attempts: Dict[str, List[int]] = field(default_factory=dict)
    # sender -> attempts at the turn it gave up on (deadline or error): maybe stored, maybe not
    unanswered: Dict[str, int] = field(default_factory=dict)
    variants: Dict[str, str] = field(default_factory=dict)

    @property
    def turns_per_s(self) -> float:
        return self.ok_turns / self.elapsed_s if self.elapsed_s else 0.0

    def latency(self, q: float) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=100)[int(q * 100) - 1]


def reply_text(replies: list) -> str:
    return "\n".join(r.get("text", "") for r in replies if isinstance(r, dict))


async def _conversation(
    session: aiohttp.ClientSession,
    result: Round,
    index: int,
    url_for: Callable[[int, int], str],
    retries: int,
    stop_at: float,
    on_turn: Callable[[], None],
) -> None:
    variant = "ab"[index % 2]
    sender = f"scale-{result.name}-{variant}-{index}"
    result.variants[sender] = variant
    attempts = result.attempts.setdefault(sender, [])
    for number, turn in enumerate(CONVERSATIONS[variant]):
        tries = 0
        while True:
            if time.monotonic() > stop_at:
                return
            tries += 1
            started = time.perf_counter()
            try:
                async with session.post(
                    url_for(index, number), json={"sender": sender, "message": turn.text}
                ) as response:
                    status = response.status
                    body = await response.json(content_type=None) if status == 200 else None
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                status, body = 0, None
            if status == 200:
                break
            result.errors += 1
            if status not in (0, 502, 503, 504) or tries > retries:
                result.unanswered[sender] = tries
                return
            await asyncio.sleep(0.5)
        attempts.append(tries)
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        text = reply_text(body or [])
        if not turn.right(text):
            result.wrong.append(f"{sender} turn {number + 1} {turn.text!r}: {text[:120]!r}")
            return
        result.ok_turns += 1
        on_turn()
    result.completed += 1


async def run_round(
    name: str,
    conversations: int,
    concurrency: int,
    url_for: Callable[[int, int], str],
    deadline_s: float,
    retries: int = 0,
    on_turn: Callable[[int], None] = lambda done: None,
) -> Round:
    """`conversations` conversations, `concurrency` at a time, each turn to `url_for(c, t)`."""
    result = Round(name, conversations)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(conversations):
        queue.put_nowait(index)

    def turn_done() -> None:
        on_turn(result.ok_turns)

    async def worker(session: aiohttp.ClientSession, stop_at: float) -> None:
        while not queue.empty():
            index = queue.get_nowait()
            await _conversation(session, result, index, url_for, retries, stop_at, turn_done)

    timeout = aiohttp.ClientTimeout(total=45)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.monotonic()
        stop_at = started + deadline_s
        await asyncio.gather(*(worker(session, stop_at) for _ in range(concurrency)))
        result.elapsed_s = time.monotonic() - started
    return result


# --- the stored events ---------------------------------------------------------------------


@dataclass
class EventCheck:
    senders: int = 0
    events: int = 0
    user_events: int = 0
    lost: int = 0  # answered turns with no user event
    duplicated: int = 0  # user events beyond what was sent, and identical rows
    resent_stored: int = 0  # turns resent after the crash that the dead server had stored
    out_of_order: int = 0
    incomplete_turns: int = 0  # a user event not followed by the bot's action_listen
    unexpected_senders: int = 0
    problems: List[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not (self.lost or self.duplicated or self.out_of_order or self.incomplete_turns)
            and not self.unexpected_senders
        )


def check_events(database_url: str, rounds: Sequence[Round]) -> EventCheck:
    """Compare PostgreSQL's events table with the turns that were sent and answered."""
    import psycopg2

    check = EventCheck()
    expected: Dict[str, Tuple[Tuple[Turn, ...], List[int], int]] = {}
    for result in rounds:
        for sender, attempts in result.attempts.items():
            turns = CONVERSATIONS[result.variants[sender]]
            expected[sender] = (turns, attempts, result.unanswered.get(sender, 0))
    rows_by_sender: Dict[str, List[tuple]] = defaultdict(list)
    conn = psycopg2.connect(database_url)
    with conn, conn.cursor() as cur:
        cur.execute(
            "SELECT sender_id, id, type_name, timestamp, action_name, data "
            "FROM events ORDER BY sender_id, id"
        )
        for row in cur.fetchall():
            rows_by_sender[row[0]].append(row[1:])
        cur.execute(
            "SELECT count(*) FROM (SELECT 1 FROM events GROUP BY sender_id, type_name, "
            "timestamp, data HAVING count(*) > 1) AS same"
        )
        check.duplicated += cur.fetchone()[0]
    conn.close()
    check.senders = len(rows_by_sender)
    check.unexpected_senders = len(set(rows_by_sender) - set(expected))
    for sender, (turns, attempts, unanswered) in expected.items():
        rows = rows_by_sender.get(sender, [])
        check.events += len(rows)
        stamps = [row[2] for row in rows]
        check.out_of_order += sum(1 for a, b in itertools.pairwise(stamps) if b < a)
        texts = [json.loads(data).get("text") for _, kind, _, _, data in rows if kind == "user"]
        check.user_events += len(texts)
        runs: List[List] = []  # consecutive copies of the same text
        for text in texts:
            if runs and runs[-1][0] == text:
                runs[-1][1] += 1
            else:
                runs.append([text, 1])
        for number, tries in enumerate(attempts):
            if number >= len(runs) or runs[number][0] != turns[number].text:
                check.lost += 1
                check.problems.append(f"{sender}: turn {number + 1} missing or out of place")
                continue
            copies = runs[number][1]
            if copies > tries:
                check.duplicated += copies - tries
                check.problems.append(f"{sender}: turn {number + 1} stored {copies}x")
            check.resent_stored += copies - 1 if tries > 1 and copies <= tries else 0
        extra = runs[len(attempts) :]
        # the turn given up on may have been stored (e.g. answered after the client gave up)
        if extra and unanswered and extra[0][0] == turns[len(attempts)].text:
            if extra[0][1] > unanswered:
                check.duplicated += extra[0][1] - unanswered
            extra = extra[1:]
        if extra:
            check.duplicated += sum(copies for _, copies in extra)
            check.problems.append(f"{sender}: {len(extra)} unexpected turns")
        # every stored user turn ends with the bot listening again (+1: session start)
        listens = sum(1 for _, kind, _, action, _ in rows if action == "action_listen")
        if rows and listens != len(texts) + 1:
            check.incomplete_turns += abs(len(texts) + 1 - listens)
            check.problems.append(f"{sender}: {listens} action_listen for {len(texts)} turns")
    return check


# --- nginx's access log ----------------------------------------------------------------------

_LOG = re.compile(
    r"\] (?P<msec>\d+\.\d+) \"(?P<method>\S+) (?P<path>\S+)[^\"]*\" (?P<status>\d{3}) .*"
    r"upstream=(?P<upstream>.*?) upstream_status=(?P<ustatus>.*?) request_time"
)


@dataclass
class Routing:
    after_kill: int = 0
    to_survivor: int = 0  # answered (200) by the survivor
    passed_on: int = 0  # first tried the dead server, answered by the survivor
    failed: int = 0  # 5xx: in flight on the dead server when it died
    answered_by_dead: int = 0


def routing_after(access_log: Path, since: float, dead: str, survivor: str) -> Routing:
    routing = Routing()
    for line in access_log.read_text(errors="replace").splitlines():
        match = _LOG.search(line)
        if not match or float(match["msec"]) < since or match["method"] != "POST":
            continue
        routing.after_kill += 1
        last = match["upstream"].split(",")[-1].strip()
        if match["status"] == "200":
            routing.to_survivor += last == survivor
            routing.answered_by_dead += last == dead
            routing.passed_on += last == survivor and dead in match["upstream"]
        else:
            routing.failed += 1
    return routing


# --- the processes ------------------------------------------------------------------------------


def rasa_command(port: int) -> List[str]:
    """The Rasa server as `make run` starts it with the scale endpoints, on loopback."""
    return [
        str(BIN / "python"), "-m", "scripts.endpoints_env",
        *RASA_SERVER, "run", "--interface", LOOPBACK, "--port", str(port),
        "--model", str(MODEL), "--credentials", str(ROOT / "credentials.yml"),
        "--endpoints", str(ROOT / "endpoints.scale.yml"),
    ]  # fmt: skip


def fmt_round(result: Round) -> str:
    return (
        f"{result.ok_turns} turns in {result.elapsed_s:.1f} s = {result.turns_per_s:.1f} "
        f"turns/s, p50 {result.latency(0.5):.0f} ms, p95 {result.latency(0.95):.0f} ms, "
        f"{result.completed}/{result.conversations} conversations, {len(result.wrong)} wrong, "
        f"{result.errors} errors"
    )


def run(args: argparse.Namespace, root: Path) -> int:
    wall = time.monotonic()
    failures: List[str] = []
    with ExitStack() as stack:
        redis_url = stack.enter_context(services.redis_server(root / "redis"))
        database_url = stack.enter_context(services.postgres_server(root / "postgres"))
        action_port, port1, port2 = free_port(), free_port(), free_port()
        env = dict(
            os.environ,
            REDIS_URL=redis_url,
            DATABASE_URL=database_url,
            ACTION_ENDPOINT_URL=f"http://{LOOPBACK}:{action_port}/webhook",
            TICKET_LOCK_LIFETIME=str(TICKET_LOCK_LIFETIME_S),
            **DEADLINES,
            SANIC_HOST=LOOPBACK,
            RASA_TELEMETRY_ENABLED="false",
        )
        procs = {}
        commands = {
            "actions": [
                str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                "--port", str(action_port),
            ],
            "rasa1": rasa_command(port1),
            "rasa2": rasa_command(port2),
        }  # fmt: skip
        for name, command in commands.items():
            procs[name] = services.start(command, root / f"{name}.log", env=env)
            stack.callback(services.stop, procs[name])
        wait_until_up(f"http://{LOOPBACK}:{action_port}/health", procs["actions"], 60)
        for name, port in (("rasa1", port1), ("rasa2", port2)):
            wait_until_up(f"http://{LOOPBACK}:{port}/", procs[name], 150)
        started_s = time.monotonic() - wall
        print(f"redis, postgres, action server and 2 Rasa servers up in {started_s:.1f} s")
        upstreams = [f"{LOOPBACK}:{port1}", f"{LOOPBACK}:{port2}"]
        nginx = stack.enter_context(services.nginx_server(root / "nginx", upstreams))
        direct = [f"http://{address}/webhooks/rest/webhook" for address in upstreams]
        via_nginx = f"{nginx.url}/webhooks/rest/webhook"
        for url in (*direct, via_nginx):
            assert urlsplit(url).hostname == LOOPBACK, url

        def load(name, url_for, **kwargs) -> Round:
            n, concurrency, deadline = args.conversations, args.concurrency, args.round_s
            result = asyncio.run(run_round(name, n, concurrency, url_for, deadline, **kwargs))
            print(f"{name:>8}: {fmt_round(result)}")
            return result

        warm = asyncio.run(run_round("warm", 4, 4, lambda c, t: direct[c % 2], 60))
        one = load("one", lambda c, t: direct[0])
        two = load("two", lambda c, t: direct[(c + t) % 2])

        killed: Dict[str, float] = {}
        kill_after = args.conversations * 5 // 3

        def kill_rasa2(done: int) -> None:
            if done >= kill_after and not killed:
                killed["at"] = time.time()
                services.kill(procs["rasa2"])

        crash = load("nginx", lambda c, t: via_nginx, retries=4, on_turn=kill_rasa2)
        events = check_events(database_url, [warm, one, two, crash])
        routing = routing_after(nginx.access_log, killed.get("at", 0), upstreams[1], upstreams[0])

        for result in (warm, one, two, crash):
            if result.wrong:
                failures.append(f"{result.name}: {len(result.wrong)} wrong replies")
                failures.extend(f"  {line}" for line in result.wrong[:5])
            if result.completed != result.conversations:
                failures.append(
                    f"{result.name}: {result.conversations - result.completed} conversations "
                    f"did not complete"
                )
        for result in (warm, one, two):
            if result.errors:
                failures.append(f"{result.name}: {result.errors} errors")
        if not killed:
            failures.append("rasa2 was never killed")
        if procs["rasa1"].poll() is not None:
            failures.append("rasa1 (the survivor) died")
        if crash.errors > args.concurrency:
            failures.append(f"nginx round: {crash.errors} errors, more than were in flight")
        if routing.answered_by_dead or routing.to_survivor < args.conversations:
            failures.append(f"nginx did not route to the survivor: {routing}")
        if not events.ok:
            failures.append("events table: " + ", ".join(events.problems[:10]))

        speedup = two.turns_per_s / one.turns_per_s if one.turns_per_s else 0.0
        print()
        print("== scale-out figures ==")
        print(f"one instance:   {fmt_round(one)}")
        print(f"two instances:  {fmt_round(two)}")
        print(f"two vs one:     {speedup:.2f}x throughput")
        print(
            f"kill one:       rasa2 SIGKILLed after {kill_after} answered turns; "
            f"{crash.completed}/{crash.conversations} conversations completed, "
            f"{len(crash.wrong)} wrong, {crash.errors} turns answered 502 and resent; "
            f"after the kill nginx sent {routing.to_survivor} requests to the survivor "
            f"({routing.passed_on} passed on from the dead server), "
            f"{routing.answered_by_dead} answered by the dead one; whole round "
            f"{crash.elapsed_s:.1f} s"
        )
        print(
            f"events:         {events.events} rows for {events.senders} conversations, "
            f"{events.user_events} user turns; lost {events.lost}, duplicated "
            f"{events.duplicated}, out of order {events.out_of_order}, incomplete turns "
            f"{events.incomplete_turns} (resent turns the dead server had already stored: "
            f"{events.resent_stored})"
        )
        print(f"time:           {time.monotonic() - wall:.1f} s (start-up {started_s:.1f} s)")
    if failures:
        print("\nFAILED:\n" + "\n".join(failures), file=sys.stderr)
        print(rasa_log_lines_about(root, failures), file=sys.stderr)
        return 1
    print("scale-out test passed")
    return 0


SENDER = re.compile(r"scale-[\w-]+")
TROUBLE = ("LockError", "lock lost", "could not lock", "no reply within", "failed", "Traceback")


def rasa_log_lines_about(root: Path, failures: Sequence[str], most: int = 60) -> str:
    """The Rasa servers' log lines on the failing conversations, or on lock or turn trouble.

    The temp dir and its logs are removed after the run, so what explains a failure
    has to be printed with it.
    """
    senders = set(SENDER.findall("\n".join(failures)))
    shown = []
    for log in sorted(root.glob("rasa*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if any(s in line for s in senders) or any(t in line for t in TROUBLE):
                shown.append(f"{log.name}: {line}")
    return "\n".join(["--- Rasa log lines on these conversations ---", *shown[:most]])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--round-s", type=float, default=120, help="deadline of one round")
    parser.add_argument("--timeout-s", type=int, default=540, help="deadline of everything")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and logs")
    args = parser.parse_args(argv)
    if args.conversations < 6 or not 1 <= args.concurrency <= 64:
        parser.error("need at least 6 conversations and a concurrency of 1-64")
    missing = services.missing_binaries()
    if missing:
        print(
            f"error: {', '.join(missing)} not installed; on Debian: "
            f"apt-get install redis-server postgresql nginx",
            file=sys.stderr,
        )
        return 2
    if not MODEL.exists():
        print(f"error: {MODEL} is missing: run `make train` first", file=sys.stderr)
        return 2

    def give_up(signum, _frame):
        raise TimeoutError(f"scale test: signal {signum} (deadline {args.timeout_s} s)")

    signal.signal(signal.SIGALRM, give_up)
    signal.signal(signal.SIGTERM, give_up)
    signal.alarm(args.timeout_s)
    root = Path(tempfile.mkdtemp(prefix="kefu-scale-"))
    root.chmod(0o755)  # nginx's workers (nobody, under root) and postgres must get in
    try:
        return run(args, root)
    except BaseException:
        for log in sorted(root.rglob("*.log")):
            if log.name != "access.log":
                print(f"--- {log.relative_to(root)} ---\n{services.tail(log)}", file=sys.stderr)
        raise
    finally:
        signal.alarm(0)
        if args.keep:
            print(f"logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
