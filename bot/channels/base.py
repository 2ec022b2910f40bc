"""The webhook flow the Official Account and WeCom channels share.

A POST is checked (size, signature, timestamp, XML, decryption) by the platform subclass,
then:

1. events and non-text messages are answered without Rasa (welcome, polite "text only");
   text over the per-user rate limit, too long, or with nothing to answer (only emoji or
   punctuation once control and zero-width characters are gone) gets a polite text
   (bot.channels.guard, limits from settings.Limits);
2. a bare number picks one of the numbered options the user was last shown;
3. the message's id is claimed in the TTL cache, so a platform retry never runs the
   conversation again: it gets the same reply, or an empty one when the reply went out
   through the customer-service API;
4. Rasa runs in its own task; the request waits at most the reply deadline (4 s, WeChat
   gives up at 5 s). In time, the reply is passive (in the HTTP response, encrypted when the
   request was); late or too long for one message, the request is answered empty and the
   text goes out in chunks through the customer-service API.

Every failure is a 400 or 403; nothing escapes as a 500.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, ClassVar, Dict, Mapping, Set, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import xmlmsg
from bot.channels.cache import TTLCache, cache_from_env
from bot.channels.clients import send_texts
from bot.channels.crypto import CryptoError, ReceiverMismatch
from bot.channels.guard import RATE_LIMITED, UNAVAILABLE, TokenBucket, check_text
from bot.channels.replies import (
    BOT_FAILED,
    UNDERSTANDS_TEXT_ONLY,
    Rendered,
    option_index,
    render_turn,
    split_text,
)
from bot.channels.settings import ChannelSettings, resolve
from bot.channels.turns import OnNewMessage, run_turn

logger = logging.getLogger(__name__)

DEDUP_TTL_S = 600.0
OPTIONS_TTL_S = 24 * 3600.0
RETRY_POLL_S = 0.1
PENDING, ASYNC, DONE = "pending", "async", "done:"
GREET = "/greet"
NON_TEXT_TYPES = {"image", "voice", "video", "shortvideo", "location", "link", "file"}


class Reject(Exception):
    """Stop handling the request and answer with this status."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class ReplyTo:
    """How the request came in, and so how a passive reply must go out."""

    encrypted: bool
    nonce: str = ""


@dataclass(frozen=True)
class Action:
    kind: str  # "ask": send text to Rasa | "say": fixed reply | "ignore": empty answer
    text: str = ""


ASK_GREET = Action("ask", GREET)
IGNORE = Action("ignore")
SAY_TEXT_ONLY = Action("say", UNDERSTANDS_TEXT_ONLY)


class _Turn:
    """One conversation turn in flight; `mode` is decided once, without awaiting in between."""

    __slots__ = ("done", "mode", "text")

    def __init__(self) -> None:
        self.done = asyncio.Event()
        self.mode = "waiting"  # -> "passive" (reply in the HTTP response) | "async" (API)
        self.text = ""


class ChatAppInput(InputChannel):
    """Base class; subclasses say how requests are verified, opened and sealed."""

    PLATFORM: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    FIELDS: ClassVar[Mapping[str, Tuple[str, bool]]] = {}
    EMPTY_REPLY: ClassVar[str] = ""
    _announced: ClassVar[Set[str]] = set()

    def __init__(
        self,
        settings: ChannelSettings,
        cache: TTLCache | None = None,
        client: Any = None,
    ) -> None:
        self.settings = settings
        self._cache = cache
        self._client = client
        self._turns: Dict[str, _Turn] = {}
        self._tasks: Set[asyncio.Task] = set()
        self.limiter = TokenBucket(settings.limits.rate_per_min, settings.limits.rate_burst)

    @classmethod
    def name(cls) -> str:
        return cls.PLATFORM

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> ChatAppInput:
        return cls(resolve(credentials, cls.FIELDS))

    # -- lazily built collaborators -------------------------------------------

    @property
    def cache(self) -> TTLCache:
        if self._cache is None:
            self._cache = cache_from_env()
        return self._cache

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self.make_client()
        return self._client

    def make_client(self) -> Any:
        raise NotImplementedError

    # -- what subclasses provide ----------------------------------------------

    async def verify_url(self, request: Request) -> HTTPResponse:
        raise NotImplementedError

    def open(self, request: Request) -> Tuple[Dict[str, str], ReplyTo]:
        """The verified, decrypted message fields; raises Reject, XmlError or CryptoError."""
        raise NotImplementedError

    def seal(self, reply_xml: str, reply_to: ReplyTo) -> str:
        return reply_xml

    def classify(self, fields: Mapping[str, str]) -> Action:
        kind = fields.get("MsgType", "").strip().lower()
        if kind == "text":
            content = fields.get("Content", "")
            return Action("ask", content) if content.strip() else SAY_TEXT_ONLY
        if kind == "voice" and fields.get("Recognition", "").strip():
            return Action("ask", fields["Recognition"])
        if kind == "event":
            return self.classify_event(fields.get("Event", "").strip().lower(), fields)
        return SAY_TEXT_ONLY  # image, voice without recognition, location, link, others

    def classify_event(self, event: str, fields: Mapping[str, str]) -> Action:
        return ASK_GREET if event == "subscribe" else IGNORE

    # -- the blueprint ---------------------------------------------------------

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint(f"{self.PLATFORM}_webhook")
        ready = self.settings.ready

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if ready else "disabled"})

        if not ready:
            self._announce_disabled()
            return bp

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            return await self._guard(self.verify_url(request))

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._guard(self._receive(request, on_new_message))

        return bp

    def _announce_disabled(self) -> None:
        if self.PLATFORM in self._announced:
            return
        self._announced.add(self.PLATFORM)
        problems = []
        if self.settings.missing:
            problems.append("missing " + ", ".join(self.settings.missing))
        if self.settings.invalid:
            problems.append("invalid " + ", ".join(self.settings.invalid))
        logger.warning(
            "%s channel DISABLED (%s): /webhooks/%s/webhook is not mounted. "
            "Set the variables in the environment to enable it; other channels are unaffected.",
            self.TITLE,
            "; ".join(problems),
            self.PLATFORM,
        )

    async def _guard(self, handling: Awaitable[HTTPResponse]) -> HTTPResponse:
        try:
            return await handling
        except Reject as exc:
            logger.info("%s webhook rejected a request: %s", self.PLATFORM, exc.reason)
            return response.text(exc.reason, status=exc.status)
        except ReceiverMismatch:
            return response.text("wrong receiver", status=403)
        except (xmlmsg.XmlError, CryptoError) as exc:
            logger.info("%s webhook: bad request body (%s)", self.PLATFORM, exc)
            return response.text("bad request", status=400)
        except Exception:
            logger.exception("%s webhook: unexpected error", self.PLATFORM)
            return response.text("bad request", status=400)

    # -- a message -------------------------------------------------------------

    def empty(self) -> HTTPResponse:
        return response.text(self.EMPTY_REPLY)

    def passive(self, fields: Mapping[str, str], reply_to: ReplyTo, text: str) -> HTTPResponse:
        if not text:
            return self.empty()
        reply = xmlmsg.text_reply(fields["FromUserName"], fields.get("ToUserName", ""), text)
        return response.text(
            self.seal(reply, reply_to), content_type="application/xml; charset=utf-8"
        )

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        fields, reply_to = self.open(request)
        user = fields.get("FromUserName", "").strip()
        if not user or not fields.get("MsgType", "").strip():
            raise Reject(400, "not a message")
        fields = {**fields, "FromUserName": user}
        action = self.classify(fields)
        if action.kind == "ignore":
            return self.empty()
        if action.kind == "say":
            return self.passive(fields, reply_to, action.text)
        if not await self._allowed(user, fields):
            return self.passive(fields, reply_to, RATE_LIMITED)
        if not action.text.startswith("/"):
            checked = check_text(action.text, self.settings.limits.max_message_chars)
            if not checked.ok:  # too long, or nothing to answer (emoji, punctuation)
                return self.passive(fields, reply_to, checked.reply)
            action = Action("ask", checked.text)
        text = action.text.strip()
        if not text.startswith("/"):
            text = await self._pick_option(user, text)
        return await self._converse(on_new_message, fields, reply_to, text)

    async def _allowed(self, user: str, fields: Mapping[str, str]) -> bool:
        """The per-user rate limit; a platform retry of a counted message is not counted."""
        if await self.cache.get(self._dedup_key(fields)) is not None:
            return True
        return self.limiter.allow(f"{self.PLATFORM}:{user}")

    def _options_key(self, user: str) -> str:
        return f"{self.PLATFORM}:options:{user}"

    def _dedup_key(self, fields: Mapping[str, str]) -> str:
        msg_id = fields.get("MsgId", "").strip()
        account = fields.get("ToUserName", "").strip()
        if msg_id:
            return f"{self.PLATFORM}:msg:{account}:{msg_id}"
        parts = (fields["FromUserName"], fields.get("CreateTime", ""), fields.get("Event", ""))
        return f"{self.PLATFORM}:event:{account}:" + ":".join(p.strip() for p in parts)

    async def _pick_option(self, user: str, text: str) -> str:
        raw = await self.cache.get(self._options_key(user))
        if not raw:
            return text
        try:
            options = [str(o) for o in json.loads(raw)]
        except (ValueError, TypeError):
            return text
        index = option_index(text, len(options))
        return options[index] if index is not None else text

    async def _converse(
        self,
        on_new_message: OnNewMessage,
        fields: Mapping[str, str],
        reply_to: ReplyTo,
        text: str,
    ) -> HTTPResponse:
        key = self._dedup_key(fields)
        if not await self.cache.add(key, PENDING, DEDUP_TTL_S):
            return await self._answer_retry(key, fields, reply_to)
        turn = _Turn()
        self._turns[key] = turn
        task = asyncio.create_task(self._run_turn(on_new_message, key, fields, text, turn))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return await self._await_turn(key, turn, fields, reply_to, owner=True)

    async def _await_turn(
        self, key: str, turn: _Turn, fields: Mapping[str, str], reply_to: ReplyTo, owner: bool
    ) -> HTTPResponse:
        try:
            await asyncio.wait_for(turn.done.wait(), self.settings.reply_deadline_s)
        except asyncio.TimeoutError:
            pass
        except asyncio.CancelledError:
            # The platform hung up: whatever Rasa says must go out through the API.
            if owner and not turn.done.is_set():
                turn.mode = "async"
            raise
        if turn.done.is_set() and turn.mode == "passive":
            return self.passive(fields, reply_to, turn.text)
        if owner and not turn.done.is_set():
            turn.mode = "async"
            await self.cache.set(key, ASYNC, DEDUP_TTL_S)
        return self.empty()

    async def _answer_retry(
        self, key: str, fields: Mapping[str, str], reply_to: ReplyTo
    ) -> HTTPResponse:
        turn = self._turns.get(key)
        if turn is not None:
            return await self._await_turn(key, turn, fields, reply_to, owner=False)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.reply_deadline_s
        while True:
            value = await self.cache.get(key)
            if value is not None and value.startswith(DONE):
                return self.passive(fields, reply_to, value[len(DONE) :])
            if value != PENDING or loop.time() >= deadline:
                return self.empty()
            await asyncio.sleep(RETRY_POLL_S)

    async def _run_turn(
        self,
        on_new_message: OnNewMessage,
        key: str,
        fields: Mapping[str, str],
        text: str,
        turn: _Turn,
    ) -> None:
        user = fields["FromUserName"]
        try:
            rendered = await self._ask_rasa(on_new_message, fields, text)
            await self.cache.set(
                self._options_key(user), json.dumps(rendered.options), OPTIONS_TTL_S
            )
            chunks = split_text(rendered.text)
            if turn.mode == "waiting" and len(chunks) <= 1:
                turn.mode, turn.text = "passive", chunks[0] if chunks else ""
                turn.done.set()
                await self.cache.set(key, DONE + turn.text, DEDUP_TTL_S)
                return
            # Past the deadline, or more than one message: customer-service messages.
            turn.mode = "async"
            turn.done.set()
            await self.cache.set(key, ASYNC, DEDUP_TTL_S)
            if chunks:
                await send_texts(self.client, user, chunks)
        except Exception:
            logger.exception("%s: delivering a reply failed", self.PLATFORM)
        finally:
            turn.done.set()
            self._turns.pop(key, None)

    async def _ask_rasa(
        self, on_new_message: OnNewMessage, fields: Mapping[str, str], text: str
    ) -> Rendered:
        collector = CollectingOutputChannel()
        message = UserMessage(
            text,
            collector,
            sender_id=f"{self.PLATFORM}:{fields['FromUserName']}",
            input_channel=self.name(),
            message_id=fields.get("MsgId") or None,
            metadata={
                "platform": self.PLATFORM,
                "msg_type": fields.get("MsgType", ""),
                "account": fields.get("ToUserName", ""),
            },
        )
        try:
            # A lost conversation lock is tried once more there (see bot.channels.turns).
            await run_turn(on_new_message, message)
        except Exception:
            logger.exception("%s: Rasa failed on a message", self.PLATFORM)
            return Rendered(BOT_FAILED)
        if not collector.messages:  # e.g. the action server is down or timed out
            return Rendered(UNAVAILABLE)
        return render_turn(collector.messages)
