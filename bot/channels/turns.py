"""Running one conversation turn through Rasa, shared by the REST and chat-app channels.

The one rule kept here: a turn that fails with `LockError` before the bot said anything is
tried exactly once more. A server that died mid-turn leaves its ticket on the
conversation's (Redis) lock; Rasa gives our ticket the same lifetime, so ours can expire
while it waits behind the dead one, and an expired ticket is never served: bot.server then
raises LockError (Rasa itself would wait until the turn's deadline). Nothing has run yet
and the dead ticket, older than ours, is gone too, so one more try with a fresh ticket is
served at once and answers the user instead of apologising. A turn that already produced
a message is never run again (the user would see part of it twice), nor one past its
deadline.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import LockError

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


async def run_turn(
    on_new_message: OnNewMessage,
    message: UserMessage,
    deadline: float | None = None,
) -> None:
    """Run `message` through Rasa; on a lost lock with nothing said yet, try exactly once more.

    `message.output_channel` should be a `CollectingOutputChannel`: its `messages` tell
    whether the bot already said something (any other channel is never retried).
    `deadline` is a time on the running loop's clock (``loop.time()``): each attempt runs
    under ``asyncio.wait_for`` with the time left, and a lost lock is not retried once it
    has passed. Without one, attempts are awaited directly and have no time limit.

    Whatever the last attempt raised (`LockError`, `asyncio.TimeoutError`, anything else)
    propagates; the caller logs it and decides what the user is told.
    """
    loop = asyncio.get_running_loop()
    for attempt in (1, 2):
        try:
            if deadline is None:
                await on_new_message(message)
            else:
                await asyncio.wait_for(on_new_message(message), deadline - loop.time())
            return
        except LockError:
            collector = message.output_channel
            nothing_said = isinstance(collector, CollectingOutputChannel) and not (
                collector.messages
            )
            time_left = deadline is None or loop.time() < deadline
            if attempt == 2 or not (nothing_said and time_left):
                raise
            logger.warning(
                "%s: conversation lock lost for %s; trying again",
                message.input_channel,
                message.sender_id,
            )
