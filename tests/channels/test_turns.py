"""bot.channels.turns.run_turn: a lost conversation lock is tried exactly once more, and
only while nothing was said and time is left; every other failure reaches the caller."""

from __future__ import annotations

import asyncio
import time
from typing import List

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.lock_store import LockError

from bot.channels.turns import run_turn


class Bot:
    """Raises the queued exceptions in turn, then answers "好"; counts the calls.

    `block_s` holds the event loop before each failure (so the failure, not a timeout, ends
    the call even past its deadline); `hang_s` sleeps before answering.
    """

    def __init__(self, *failures: BaseException, block_s: float = 0.0, hang_s: float = 0.0):
        self.failures: List[BaseException] = list(failures)
        self.block_s = block_s
        self.hang_s = hang_s
        self.calls = 0

    async def __call__(self, message: UserMessage) -> None:
        self.calls += 1
        if self.failures:
            time.sleep(self.block_s)
            raise self.failures.pop(0)
        await asyncio.sleep(self.hang_s)
        await message.output_channel.send_response(message.sender_id, {"text": "好"})


def message(channel: OutputChannel | None = None) -> UserMessage:
    return UserMessage("你好", channel or CollectingOutputChannel(), "u-1", input_channel="test")


def texts(msg: UserMessage) -> List[str]:
    return [m["text"] for m in msg.output_channel.messages]


async def test_success_runs_once():
    bot, msg = Bot(), message()
    await run_turn(bot, msg)
    assert bot.calls == 1 and texts(msg) == ["好"]


@pytest.mark.parametrize("with_deadline", [False, True])
async def test_one_lost_lock_is_tried_once_more(with_deadline):
    bot, msg = Bot(LockError("lost")), message()
    deadline = asyncio.get_running_loop().time() + 5 if with_deadline else None
    await run_turn(bot, msg, deadline)
    assert bot.calls == 2 and texts(msg) == ["好"]


async def test_a_second_lost_lock_propagates():
    bot, msg = Bot(LockError("one"), LockError("two")), message()
    with pytest.raises(LockError, match="two"):
        await run_turn(bot, msg)
    assert bot.calls == 2 and texts(msg) == []


async def test_no_retry_once_the_bot_has_spoken():
    msg = message()
    msg.output_channel.messages.append({"recipient_id": "u-1", "text": "半句"})
    bot = Bot(LockError("lost"))
    with pytest.raises(LockError):
        await run_turn(bot, msg)
    assert bot.calls == 1


async def test_no_retry_past_the_deadline():
    bot, msg = Bot(LockError("lost"), block_s=0.1), message()
    deadline = asyncio.get_running_loop().time() + 0.02
    with pytest.raises(LockError):
        await run_turn(bot, msg, deadline)
    assert bot.calls == 1


async def test_the_retry_gets_only_the_time_left():
    bot, msg = Bot(LockError("lost"), hang_s=10), message()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 0.2
    with pytest.raises(asyncio.TimeoutError):
        await run_turn(bot, msg, deadline)
    assert bot.calls == 2 and loop.time() < deadline + 2


async def test_no_retry_when_what_was_said_cannot_be_seen():
    bot = Bot(LockError("lost"))
    with pytest.raises(LockError):
        await run_turn(bot, message(OutputChannel()))
    assert bot.calls == 1


async def test_other_failures_are_not_retried():
    bot = Bot(RuntimeError("tracker store down"))
    with pytest.raises(RuntimeError):
        await run_turn(bot, message())
    assert bot.calls == 1
