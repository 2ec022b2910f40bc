"""How much the channel adds over calling the bot directly (`make bench-channel`).

Three medians over the same zero-latency bot double: the bot called directly; a bare
sanic route on 127.0.0.1 that calls it (the HTTP cost any channel pays, like REST); and the
WeChat channel in plaintext and in safe mode (signature, XML, AES, de-duplication, task,
reply XML). A measurement, not a test: speed is never asserted by the test suite.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response

from tests.channels.conftest import (
    ScriptedBot,
    echo,
    oa_aes_request,
    oa_plain_request,
    post,
    serve,
    text_fields,
    wechat_channel,
)

ROUNDS = 60


class BareRoute(InputChannel):
    """A minimal input channel whose webhook just calls the bot and returns its text."""

    def __init__(self) -> None:
        self._tasks: set = set()

    @classmethod
    def name(cls) -> str:
        return "bare"

    def blueprint(self, on_new_message):
        bp = Blueprint("bare_webhook")

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request):
            collector = CollectingOutputChannel()
            await on_new_message(UserMessage(request.body.decode(), collector, "u"))
            return response.text(collector.messages[0]["text"])

        return bp


def ms(samples) -> float:
    return statistics.median(samples) * 1000


async def measure(http: aiohttp.ClientSession) -> None:
    bot = ScriptedBot(echo)
    direct = []
    for i in range(ROUNDS):
        started = time.perf_counter()
        await bot(UserMessage(f"q{i}", CollectingOutputChannel(), "u"))
        direct.append(time.perf_counter() - started)

    bare = []
    async with serve(BareRoute(), bot) as url:
        for i in range(ROUNDS):
            started = time.perf_counter()
            await post(http, url, {}, f"q{i}".encode())
            bare.append(time.perf_counter() - started)

    timings = {"plaintext": [], "safe mode": []}
    async with serve(wechat_channel(), bot) as url:
        for i in range(ROUNDS):
            for mode, build in (("plaintext", oa_plain_request), ("safe mode", oa_aes_request)):
                params, body = build(text_fields(f"q{i}"))
                started = time.perf_counter()
                status, _ = await post(http, url, params, body)
                timings[mode].append(time.perf_counter() - started)
                assert status == 200

    added = {mode: ms(samples) - ms(bare) for mode, samples in timings.items()}
    print(
        f"\nmedian over {ROUNDS}: bot direct {ms(direct):.3f} ms; "
        f"bare HTTP route {ms(bare):.2f} ms; "
        + "; ".join(f"WeChat {m} {ms(s):.2f} ms (+{added[m]:.2f} ms)" for m, s in timings.items())
    )


async def main() -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        await measure(http)


if __name__ == "__main__":
    asyncio.run(main())
