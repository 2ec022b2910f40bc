"""Rasa's REST channel with the input checks a public endpoint needs.

credentials.yml registers ``bot.channels.rest.GuardedRestInput`` instead of ``rest:``; its
name is still "rest", so the URL stays ``POST /webhooks/rest/webhook`` and the replies keep
Rasa's format (a JSON list of bot messages). A request is checked in this order:

1. body over ``REST_MAX_BODY_BYTES`` (64 KB) -> 413, read no further (the route streams
   its body, so sanic's 100 MB default never applies here);
2. not UTF-8 JSON, not an object, ``message`` not a string, ``metadata`` not an object -> 400;
3. ``sender`` missing or not 1-128 characters of ``[A-Za-z0-9_.:@-]`` -> 400 (see
   `guard.valid_sender` for why it is rejected rather than hashed);
4. more than ``RATE_LIMIT_PER_MIN`` (30, burst ``RATE_LIMIT_BURST`` 10) from that sender -> 429
   with a Retry-After header;
5. control and zero-width characters are removed; then text longer than
   ``MAX_MESSAGE_CHARS`` (1000), or with nothing to answer (empty, spaces, only emoji or
   punctuation), gets a polite reply (200) without running the bot;
6. the bot runs for at most ``TURN_TIMEOUT_S`` (12); a turn that produced no message (the
   action server is down, slower than ``ACTION_TIMEOUT_S``, or anything failed) is answered
   "抱歉,暂时无法查询,请稍后再试。". Rasa's processor logs a failed action and keeps the
   tracker, so earlier slots survive and the next turn continues normally.

Every error body is JSON: ``{"error": "<code>", "message": "<中文说明>"}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from typing import Any, Dict, List

import rasa.core.actions.action as rasa_action
import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.lock_store import LockError
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import (
    RATE_LIMITED,
    UNAVAILABLE,
    TokenBucket,
    check_text,
    valid_sender,
)
from bot.channels.settings import Limits, limits_from_env
from bot.channels.turns import OnNewMessage, run_turn

logger = logging.getLogger(__name__)

# An oversized body up to this size is read and discarded so the client sees the 413.
DRAIN_BYTES = 16 * 1024 * 1024
_INPUT_CHANNEL = re.compile(r"[a-z][a-z0-9_]{0,31}")

ERRORS = {
    "too_large": "请求太大了。",
    "invalid_json": "请求格式不正确:需要 UTF-8 编码的 JSON 对象。",
    "invalid_sender": "sender 需为 1-128 个字符,只能包含字母、数字和 _ . : @ -。",
    "invalid_message": "message 需为字符串。",
    "invalid_metadata": "metadata 需为 JSON 对象。",
    "rate_limited": RATE_LIMITED,
}


def apply_action_timeout(seconds: float) -> None:
    """Make Rasa give up on a custom action call after `seconds` instead of 5 minutes.

    Rasa 3.6 ignores a ``timeout`` in endpoints.yml: RemoteAction.run passes the module
    constant ``DEFAULT_REQUEST_TIMEOUT`` (300 s) to aiohttp. Setting that one module-level
    name (it is read at call time, and only RemoteAction uses it in that module) is the
    whole change; the timeout then surfaces as an exception the processor already handles
    (logged, the action's events dropped, the tracker kept). tests/reliability checks that
    RemoteAction still reads it, so a Rasa upgrade cannot silently undo this.
    """
    rasa_action.DEFAULT_REQUEST_TIMEOUT = seconds


def error(code: str, status: int, **headers: str) -> HTTPResponse:
    return response.json({"error": code, "message": ERRORS[code]}, status=status, headers=headers)


def parse_body(body: bytes) -> Dict[str, Any] | None:
    """The JSON object in `body`, or None if it is not UTF-8 JSON or not an object."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


class GuardedRestInput(RestInput):
    """``POST /webhooks/rest/webhook`` with size, shape, sender, rate and text checks."""

    def __init__(self, limits: Limits | None = None, limiter: TokenBucket | None = None) -> None:
        self.limits = limits or Limits()
        if limiter is None:
            limiter = TokenBucket(self.limits.rate_per_min, self.limits.rate_burst)
        self.limiter = limiter

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> GuardedRestInput:
        limits = limits_from_env(os.environ)
        apply_action_timeout(limits.action_timeout_s)
        return cls(limits)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            try:
                return await self.handle(request, on_new_message)
            except Exception:
                logger.exception("rest webhook: unexpected error")
                return response.json([{"text": UNAVAILABLE}])

        return bp

    async def read_body(self, request: Request) -> bytes | None:
        """The request body, or None when it is larger than the limit.

        An oversized body is still read and thrown away up to DRAIN_BYTES, so that a client
        that sends its whole body before reading (most do) gets the 413 rather than a reset
        connection; beyond that, sanic closes the connection after the 413.
        """
        limit = self.limits.max_body_bytes
        stream = request.stream
        if stream is None:  # not streamed (e.g. an ASGI test client): already read
            body = request.body or b""
            return body if len(body) <= limit else None
        stream.request_max_size = max(limit, DRAIN_BYTES)
        chunks: List[bytes] = []
        size = 0
        try:
            while True:
                chunk = await stream.read()
                if chunk is None:
                    break
                size += len(chunk)
                if size <= limit:
                    chunks.append(chunk)
        except PayloadTooLarge:
            return None
        return b"".join(chunks) if size <= limit else None

    async def handle(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        body = await self.read_body(request)
        if body is None:
            return error("too_large", 413)
        payload = parse_body(body)
        if payload is None:
            return error("invalid_json", 400)
        sender = valid_sender(payload.get("sender"))
        if sender is None:
            return error("invalid_sender", 400)
        text = payload.get("message")
        if not isinstance(text, str):
            return error("invalid_message", 400)
        metadata = payload.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            return error("invalid_metadata", 400)
        if not self.limiter.allow(sender):
            retry = max(1, self.limiter.retry_after(sender))
            return error("rate_limited", 429, **{"Retry-After": str(retry)})
        checked = check_text(text, self.limits.max_message_chars)
        if not checked.ok:
            return response.json([{"recipient_id": sender, "text": checked.reply}])
        channel = payload.get("input_channel")
        if not (isinstance(channel, str) and _INPUT_CHANNEL.fullmatch(channel)):
            channel = self.name()
        if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
            return response.stream(
                self.stream_response(on_new_message, checked.text, sender, channel, metadata),
                content_type="text/event-stream",
            )
        messages = await self.run_turn(on_new_message, checked.text, sender, channel, metadata)
        return response.json(messages)

    async def run_turn(
        self,
        on_new_message: OnNewMessage,
        text: str,
        sender: str,
        input_channel: str,
        metadata: Dict[str, Any] | None,
    ) -> List[Dict[str, Any]]:
        """The bot's messages for one turn; the polite "unavailable" text if there are none."""
        collector = CollectingOutputChannel()
        message = UserMessage(
            text, collector, sender, input_channel=input_channel, metadata=metadata
        )
        deadline = asyncio.get_running_loop().time() + self.limits.turn_timeout_s
        try:
            # A lost conversation lock is tried once more there (see bot.channels.turns).
            await run_turn(on_new_message, message, deadline)
        except LockError:
            logger.exception("rest: could not lock the conversation of %s", sender)
        except asyncio.TimeoutError:
            logger.error("rest: no reply within %ss for %s", self.limits.turn_timeout_s, sender)
        except Exception:
            logger.exception("rest: Rasa failed on a message from %s", sender)
        return collector.messages or [{"recipient_id": sender, "text": UNAVAILABLE}]
