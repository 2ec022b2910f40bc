"""The guarded REST channel (bot.channels.rest) with a scripted bot: every bad input gets a
4xx or a polite reply, never a 500 or a hang, and a turn without a reply gets an apology."""

from __future__ import annotations

import asyncio
import inspect
import json

import pytest
import rasa.core.actions.action as rasa_action

from bot.channels.guard import NOTHING_TO_ANSWER, RATE_LIMITED, UNAVAILABLE, TokenBucket
from bot.channels.rest import GuardedRestInput, apply_action_timeout
from bot.channels.settings import Limits
from tests.channels.conftest import LostLock, ScriptedBot, echo
from tests.reliability.conftest import serve_rest
from tests.reliability.test_guard import Clock


def channel(**limits) -> GuardedRestInput:
    return GuardedRestInput(Limits(**limits))


async def send(http, url, body, **kw):
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    async with http.post(url, data=body, headers={"Content-Type": "application/json"}, **kw) as r:
        raw = await r.read()
        return r.status, json.loads(raw), r.headers


def texts(replies) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_it_is_still_the_rest_channel():
    assert GuardedRestInput.name() == "rest" and GuardedRestInput().url_prefix() == "rest"


async def test_a_valid_message_reaches_the_bot_cleaned(http):
    bot = ScriptedBot(echo)
    async with serve_rest(channel(), bot) as url:
        status, replies, _ = await send(
            http, url, {"sender": "u-1", "message": " 客服\u200b主管\x00工资多少 "}
        )
    assert status == 200 and replies == [{"recipient_id": "u-1", "text": "你说:客服主管 工资多少"}]
    assert bot.calls[0].sender_id == "u-1" and bot.calls[0].input_channel == "rest"


BAD_REQUESTS = {
    "invalid_json": (b'{"sender": "u", "message": ', 400, "invalid_json"),
    "invalid_utf8": (b'{"sender": "u", "message": "\xff\xfe"}', 400, "invalid_json"),
    "json_array": (b"[1, 2]", 400, "invalid_json"),
    "json_string": (b'"hello"', 400, "invalid_json"),
    "empty_body": (b"", 400, "invalid_json"),
    "deep_nesting": (b"[" * 100_000 + b"]" * 100_000, 413, "too_large"),
    "missing_sender": ({"message": "你好"}, 400, "invalid_sender"),
    "null_sender": ({"sender": None, "message": "你好"}, 400, "invalid_sender"),
    "number_sender": ({"sender": 42, "message": "你好"}, 400, "invalid_sender"),
    "long_sender": ({"sender": "x" * 129, "message": "你好"}, 400, "invalid_sender"),
    "path_sender": ({"sender": "../../etc/passwd", "message": "你好"}, 400, "invalid_sender"),
    "sql_sender": ({"sender": "a';DROP TABLE events", "message": "你好"}, 400, "invalid_sender"),
    "missing_message": ({"sender": "u"}, 400, "invalid_message"),
    "number_message": ({"sender": "u", "message": 1}, 400, "invalid_message"),
    "bad_metadata": ({"sender": "u", "message": "你好", "metadata": [1]}, 400, "invalid_metadata"),
}


async def test_bad_requests_get_a_json_4xx_and_never_reach_the_bot(http):
    bot = ScriptedBot(echo)
    async with serve_rest(channel(), bot) as url:
        for name, (body, status, code) in BAD_REQUESTS.items():
            got, payload, _ = await send(http, url, body)
            assert (got, payload.get("error")) == (status, code), name
            assert payload["message"], name  # a human-readable reason, in Chinese
    assert bot.calls == []


@pytest.mark.parametrize(
    "text", ["", "   \n\t", "😀🎉👍🏻", "?!。……", "\u200b\u200d\ufeff", "\x00\x01\x7f", "\ud800"]
)
async def test_nothing_to_answer_gets_a_polite_prompt_without_the_bot(http, text):
    bot = ScriptedBot(echo)
    async with serve_rest(channel(), bot) as url:
        status, replies, _ = await send(http, url, {"sender": "u", "message": text})
    assert status == 200 and replies == [{"recipient_id": "u", "text": NOTHING_TO_ANSWER}]
    assert bot.calls == []


async def test_long_text_gets_a_polite_reply_and_the_limit_is_configurable(http):
    bot = ScriptedBot(echo)
    async with serve_rest(channel(max_message_chars=50), bot) as url:
        status, replies, _ = await send(http, url, {"sender": "u", "message": "客" * 51})
        assert status == 200 and "太长" in texts(replies) and "50" in texts(replies)
        status, replies, _ = await send(http, url, {"sender": "u", "message": "客" * 50})
        assert status == 200 and texts(replies) == "你说:" + "客" * 50
    assert len(bot.calls) == 1


async def test_a_body_over_the_limit_is_413_and_the_server_keeps_serving(http):
    bot = ScriptedBot(echo)
    async with serve_rest(channel(max_body_bytes=4096), bot) as url:
        big = {"sender": "u", "message": "x" * 5000}
        status, payload, _ = await send(http, url, big)
        assert status == 413 and payload["error"] == "too_large"
        several_mb = {"sender": "u", "message": "x" * 3_000_000}
        status, payload, _ = await send(http, url, several_mb)
        assert status == 413
        status, replies, _ = await send(http, url, {"sender": "u", "message": "你好"})
        assert status == 200 and texts(replies) == "你说:你好"


async def test_rate_limit_answers_429_per_sender(http):
    clock = Clock()
    rest = GuardedRestInput(Limits(), TokenBucket(rate_per_min=30, burst=3, clock=clock))
    bot = ScriptedBot(echo)
    async with serve_rest(rest, bot) as url:
        statuses = [
            (await send(http, url, {"sender": "flood", "message": "你好"}))[0] for _ in range(5)
        ]
        assert statuses == [200, 200, 200, 429, 429]
        status, payload, headers = await send(http, url, {"sender": "flood", "message": "你好"})
        assert status == 429 and payload == {"error": "rate_limited", "message": RATE_LIMITED}
        assert headers["Retry-After"] == "2"
        # Someone else is not affected; the flooder gets a token back after 2 s.
        assert (await send(http, url, {"sender": "other", "message": "你好"}))[0] == 200
        clock.advance(2.0)
        assert (await send(http, url, {"sender": "flood", "message": "你好"}))[0] == 200
    assert len(bot.calls) == 5


async def test_a_turn_without_any_reply_is_answered_politely(http):
    silent = ScriptedBot(lambda text: [])  # what Rasa does when the action server is down

    async def broken(message):
        raise RuntimeError("tracker store down")

    for bot in (silent, broken):
        async with serve_rest(channel(), bot) as url:
            status, replies, _ = await send(http, url, {"sender": "u", "message": "客服主管工资"})
        assert status == 200 and replies == [{"recipient_id": "u", "text": UNAVAILABLE}]


async def test_a_slow_turn_is_cut_off_at_the_turn_timeout(http):
    bot = ScriptedBot(echo, delay_s=5)
    async with serve_rest(channel(turn_timeout_s=0.3), bot) as url:
        started = asyncio.get_running_loop().time()
        status, replies, _ = await send(http, url, {"sender": "u", "message": "你好"})
        elapsed = asyncio.get_running_loop().time() - started
    assert status == 200 and texts(replies) == UNAVAILABLE and elapsed < 3


async def test_stream_mode_still_works(http):
    question = {"sender": "u", "message": "你好"}
    async with (
        serve_rest(channel(), ScriptedBot(echo)) as url,
        http.post(url + "?stream=true", json=question) as r,
    ):
        lines = [json.loads(line) for line in (await r.text()).splitlines() if line]
    assert r.status == 200 and lines[0]["text"] == "你说:你好"


# -- the action-server timeout --------------------------------------------------------


def test_rasa_still_reads_the_timeout_constant_we_set():
    """If a Rasa upgrade stops passing DEFAULT_REQUEST_TIMEOUT, ACTION_TIMEOUT_S is void."""
    assert "timeout=DEFAULT_REQUEST_TIMEOUT" in inspect.getsource(rasa_action.RemoteAction.run)


async def test_a_slow_action_server_times_out_after_action_timeout_s(monkeypatch):
    from aiohttp import web
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    async def slow(request):
        await asyncio.sleep(10)
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", rasa_action.DEFAULT_REQUEST_TIMEOUT)
    apply_action_timeout(0.3)
    action = rasa_action.RemoteAction(
        "action_slow", EndpointConfig(f"http://127.0.0.1:{port}/webhook")
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        with pytest.raises(asyncio.TimeoutError):  # the processor logs it and carries on
            await action.run(None, None, DialogueStateTracker("u", []), Domain.empty())
    finally:
        await runner.cleanup()
    assert loop.time() - started < 3


def test_from_credentials_applies_the_configured_action_timeout(monkeypatch):
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", rasa_action.DEFAULT_REQUEST_TIMEOUT)
    monkeypatch.setenv("ACTION_TIMEOUT_S", "2.5")
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "300")
    rest = GuardedRestInput.from_credentials(None)
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 2.5 and rest.limits.max_message_chars == 300


async def test_a_lost_conversation_lock_is_tried_once_more(http):
    bot = LostLock(times=1)
    async with serve_rest(channel(), bot) as url:
        status, replies, _ = await send(http, url, {"sender": "u-lock", "message": "你好"})
    assert status == 200 and texts(replies) == "你说:你好"
    assert bot.calls == 2 and bot.bot.texts == ["你好"]


async def test_a_lock_lost_twice_gets_the_apology(http):
    bot = LostLock(times=2)
    async with serve_rest(channel(), bot) as url:
        status, replies, _ = await send(http, url, {"sender": "u-lock2", "message": "你好"})
    assert status == 200 and texts(replies) == UNAVAILABLE
    assert bot.calls == 2 and bot.bot.texts == []
