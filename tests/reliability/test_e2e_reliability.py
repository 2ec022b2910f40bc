"""Bad input, floods and a failing action server against the real stack (one per module).

Order matters only for the last test, which stops and restarts the action server.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Tuple
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings

from bot.channels.guard import NOTHING_TO_ANSWER, UNAVAILABLE
from scripts.barrage import Expected, barrage, barrage_report, flood, flood_report
from scripts.stack import restart, running_stack, say
from tests.reliability.test_properties import hostile_text

pytestmark = pytest.mark.e2e

ACTION_TIMEOUT_S = 3.0


@pytest.fixture(scope="module")
def stack(seeds, tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ACTION_TIMEOUT_S", str(ACTION_TIMEOUT_S))
        for name in ("MAX_MESSAGE_CHARS", "RATE_LIMIT_PER_MIN", "RATE_LIMIT_BURST"):
            env.delenv(name, raising=False)  # the defaults: 1000 chars, 30/min, burst 10
        with running_stack(tmp_path_factory.mktemp("reliability"), seeds.store) as running:
            yield running


@pytest.fixture(scope="module")
def expected(seeds) -> Expected:
    return Expected.from_store(seeds.store)


def post(url: str, body: bytes, timeout: float = 30) -> Tuple[int, object]:
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def texts(replies) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def body(sender, message) -> bytes:
    return json.dumps({"sender": sender, "message": message}).encode()


def test_each_class_of_bad_input(stack, expected):
    url = stack.url
    polite = {
        "empty": "",
        "whitespace": " \n\t\u3000",
        "emoji": "😀🎉👍🏻",
        "punctuation": "?!。……",
        "control and zero-width": "\x00\x07\u200b\u200d\ufeff",
    }
    for i, (name, message) in enumerate(polite.items()):
        status, replies = post(url, body(f"bad-{i}", message))
        assert (status, texts(replies)) == (200, NOTHING_TO_ANSWER), name
    status, replies = post(url, body("bad-long", "客服主管工资多少" * 130))  # 1040 characters
    assert status == 200 and "太长" in texts(replies) and "1000" in texts(replies)
    rejected = {
        "invalid JSON": (b'{"sender": "x", "message": ', 400),
        "invalid UTF-8": (b'{"sender": "x", "message": "\xff\xfe"}', 400),
        "missing sender": (json.dumps({"message": "你好"}).encode(), 400),
        "oversized sender": (body("u" * 129, "你好"), 400),
        "path sender": (body("../../var/tracker.db", "你好"), 400),
        "SQL sender": (body("x'); DELETE FROM events;--", "你好"), 400),
        "several MB": (body("bad-big", "x" * 4_000_000), 413),
    }
    for name, (raw, want) in rejected.items():
        status, payload = post(url, raw)
        assert status == want and payload["error"], name
    # Zero-width characters inside a real question are dropped and it is answered.
    status, replies = post(url, body("bad-zw", "客服\u200b主管\x00工资多少"))
    assert status == 200 and expected.first_ok(texts(replies))


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=hostile_text)
def test_any_text_through_the_trained_model_gets_a_reply(stack, text):
    """The NLU entry end to end: the real model parses whatever the channel passes on."""
    sender = f"prop-{time.monotonic_ns()}"
    raw = json.dumps({"sender": sender, "message": text}).encode()  # escapes surrogates
    status, replies = post(stack.url, raw)
    assert status == 200 and isinstance(replies, list) and texts(replies).strip()


def test_barrage_leaves_every_valid_conversation_answered(stack, expected, capsys):
    figures = asyncio.run(barrage(stack.url, expected, duration_s=10, max_requests=5000))
    with capsys.disabled():
        print("\n" + barrage_report(figures))
    assert 500 not in figures.by_status and 0 not in figures.by_status, figures.by_status
    assert set(figures.by_status) <= {200, 400, 413, 429}
    assert figures.conversations >= 2 and figures.correct == figures.conversations, figures.failures
    assert figures.by_kind["big_body"] == {413: figures.by_kind["big_body"][413]}


def test_a_flooding_sender_gets_429s_and_everyone_else_their_answers(stack, expected, capsys):
    quiet = asyncio.run(flood(stack.url, expected, flooding=False, duration_s=6))
    loud = asyncio.run(flood(stack.url, expected, flooding=True, duration_s=6))
    with capsys.disabled():
        print("\n" + flood_report(quiet, loud))  # latencies are reported, not asserted
    for run in (quiet, loud):
        assert run.conversations >= 1 and run.correct == run.conversations, run.failures
    assert loud.flooder[429] > 0 and 500 not in loud.flooder
    assert loud.flooder[200] <= 10 + 6  # the burst, then 30/min


class _Slow(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        time.sleep(ACTION_TIMEOUT_S + 3)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def slow_action_server(port: int) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", port), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_action_server_down_or_slow_then_back_keeps_the_conversation(stack, expected):
    url, sender = stack.url, "outage-1"
    assert expected.first_ok(texts(say(url, sender, "客服主管工资多少")))

    stack.procs["actions"].kill()
    stack.procs["actions"].wait()
    replies: List[dict] = say(url, sender, "那二线城市呢")
    assert texts(replies) == UNAVAILABLE

    # Something that accepts the call but never answers in time: the same apology after
    # ACTION_TIMEOUT_S, not Rasa's 5-minute default.
    port = urlsplit(stack.action_url).port
    slow = slow_action_server(port)
    try:
        started = time.monotonic()
        assert texts(say(url, sender, "要考什么证")) == UNAVAILABLE
        assert time.monotonic() - started < ACTION_TIMEOUT_S + 2.5
    finally:
        slow.shutdown()
        slow.server_close()

    restart(stack, "actions")  # the real action server again, on the same port
    certs = texts(say(url, sender, "要考什么证"))
    assert certs.startswith("客服主管的证书"), certs  # the role survived the outage
    tier = texts(say(url, sender, "二线城市工资多少"))  # no role named: still 客服主管
    assert expected.follow_up_ok(tier), tier
