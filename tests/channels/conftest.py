"""Loopback servers and test doubles for the WeChat and WeCom channel tests.

The channel's blueprint runs in a real sanic server on 127.0.0.1 (an ephemeral port), and
the customer-service API is a small aiohttp stand-in, also on 127.0.0.1. Nothing leaves
the machine.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, AsyncIterator, Callable, Dict, List

import aiohttp
import pytest
from aiohttp import web
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from bot.channels import crypto, xmlmsg
from bot.channels.cache import MemoryCache
from bot.channels.settings import resolve
from bot.channels.simulate import start_fake_api
from bot.channels.wechat import WeChatInput
from bot.channels.wecom import WeComInput

_APP_IDS = itertools.count()

# Tencent's sample EncodingAESKey (see test_crypto.py); any valid 43-character key works.
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
WECHAT_ENV = {
    "WECHAT_TOKEN": "test-token",
    "WECHAT_APP_ID": "wx1234567890abcdef",
    "WECHAT_APP_SECRET": "test-secret",
    "WECHAT_ENCODING_AES_KEY": AES_KEY,
    "WECHAT_REPLY_DEADLINE_S": "0.5",
}
WECOM_ENV = {
    "WECOM_CORP_ID": "ww1234567890abcdef",
    "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "test-wecom-secret",
    "WECOM_TOKEN": "test-wecom-token",
    "WECOM_ENCODING_AES_KEY": AES_KEY,
    "WECHAT_REPLY_DEADLINE_S": "0.5",
}
OA_ACCOUNT = "gh_test_account"
USER = "oUser-1"


# -- the bot ------------------------------------------------------------------


Script = Callable[[str], List[Dict[str, Any]]]


class ScriptedBot:
    """A stand-in for Rasa's `on_new_message`: answers from a script, counts the calls."""

    def __init__(self, script: Script, delay_s: float = 0.0) -> None:
        self.script = script
        self.delay_s = delay_s
        self.calls: List[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.calls.append(message)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        for reply in self.script(message.text or ""):
            await message.output_channel.send_response(message.sender_id, dict(reply))

    @property
    def texts(self) -> List[str]:
        return [m.text for m in self.calls]


def echo(text: str) -> List[Dict[str, Any]]:
    return [{"text": f"你说:{text}"}]


class LostLock:
    """Rasa giving up on a conversation lock a dead server left behind, `times` times,
    then the echo bot. With `after_reply`, it says something first and then loses the lock.
    """

    def __init__(self, times: int, after_reply: bool = False) -> None:
        self.times = times
        self.after_reply = after_reply
        self.calls = 0
        self.bot = ScriptedBot(echo)

    async def __call__(self, message: UserMessage) -> None:
        from rasa.core.lock_store import LockError

        self.calls += 1
        if self.times:
            self.times -= 1
            if self.after_reply:
                await message.output_channel.send_response(message.sender_id, {"text": "半句"})
            raise LockError("Could not acquire lock")
        await self.bot(message)


# -- the customer-service API stand-in ---------------------------------------


@dataclass
class FakeApi:
    url: str = ""
    token_calls: int = 0
    sent: List[Dict[str, Any]] = field(default_factory=list)
    expires_in: int = 7200
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for(self, count: int, timeout: float = 3.0) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), max(0.01, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                break
        return self.sent


@asynccontextmanager
async def fake_api() -> AsyncIterator[FakeApi]:
    api = FakeApi()

    async def token(request: web.Request) -> web.Response:
        api.token_calls += 1
        return web.json_response(
            {"access_token": f"token-{api.token_calls}", "expires_in": api.expires_in}
        )

    async def send(request: web.Request) -> web.Response:
        data = await request.json()
        data["_access_token"] = request.query.get("access_token")
        data["_path"] = request.path
        api.sent.append(data)
        api.arrived.set()
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    runner, port = await start_fake_api(0, token, send)
    api.url = f"http://127.0.0.1:{port}/cgi-bin/"
    try:
        yield api
    finally:
        await runner.cleanup()


# -- the channel under a real sanic server ------------------------------------


@asynccontextmanager
async def serve(channel: Any, on_new_message: Any) -> AsyncIterator[str]:
    """Mount the channel's blueprint the way Rasa does and serve it on 127.0.0.1.

    Sanic's test mode (what sanic-testing switches on) is set only while starting, so that
    several apps can start in one process without leaking the flag into other tests.
    """
    previous, Sanic.test_mode = Sanic.test_mode, True
    try:
        app = Sanic(f"channels_test_{next(_APP_IDS)}")
        app.config.ACCESS_LOG = False
        # Exactly how `rasa run` mounts input channels; its handler calls the agent.
        app.ctx.agent = SimpleNamespace(handle_message=on_new_message)
        register([channel], app, route="/webhooks/")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
        await server.startup()
        await server.before_start()
        await server.after_start()
    finally:
        Sanic.test_mode = previous
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/{channel.name()}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()
        for task in list(getattr(channel, "_tasks", ())):  # the chat apps' late sends
            task.cancel()


def wechat_channel(api_url: str = "http://127.0.0.1:9/cgi-bin/", **env: str) -> WeChatInput:
    values = {**WECHAT_ENV, "WECHAT_API_BASE_URL": api_url, **env}
    return WeChatInput(resolve({}, WeChatInput.FIELDS, values), cache=MemoryCache())


def wecom_channel(api_url: str = "http://127.0.0.1:9/cgi-bin/", **env: str) -> WeComInput:
    values = {**WECOM_ENV, "WECOM_API_BASE_URL": api_url, **env}
    return WeComInput(resolve({}, WeComInput.FIELDS, values), cache=MemoryCache())


# -- requests as the platforms send them --------------------------------------

_MSG_IDS = itertools.count(6054768590064713728)


def text_fields(content: str, user: str = USER, msg_id: int | None = None, **extra: str):
    fields = {
        "ToUserName": OA_ACCOUNT,
        "FromUserName": user,
        "CreateTime": str(int(time.time())),
        "MsgType": "text",
        "Content": content,
        "MsgId": str(msg_id if msg_id is not None else next(_MSG_IDS)),
    }
    fields.update(extra)
    return fields


def oa_plain_request(fields: Dict[str, str], token: str = "test-token", timestamp=None):
    ts = timestamp or str(int(time.time()))
    nonce = crypto.random_nonce()
    params = {"signature": crypto.signature(token, ts, nonce), "timestamp": ts, "nonce": nonce}
    return params, xmlmsg.message(fields).encode()


def oa_aes_request(
    fields: Dict[str, str], compatible: bool = False, timestamp=None, token: str = "test-token"
):
    """Safe mode; `compatible` also carries the plaintext fields, as compatible mode does."""
    ts = timestamp or str(int(time.time()))
    nonce = crypto.random_nonce()
    c = crypto.MessageCrypto(token, AES_KEY, WECHAT_ENV["WECHAT_APP_ID"])
    encrypt = c.encrypt(xmlmsg.message(fields))
    plain = "".join(xmlmsg.element(k, v) for k, v in fields.items()) if compatible else ""
    body = f"<xml><ToUserName>{xmlmsg.cdata(fields['ToUserName'])}</ToUserName>{plain}"
    body += f"<Encrypt>{xmlmsg.cdata(encrypt)}</Encrypt></xml>"
    params = {
        "signature": crypto.signature(token, ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "openid": fields["FromUserName"],
        "encrypt_type": "aes",
        "msg_signature": c.sign(ts, nonce, encrypt),
    }
    return params, body.encode()


def wecom_request(fields: Dict[str, str], timestamp=None):
    ts = timestamp or str(int(time.time()))
    nonce = crypto.random_nonce()
    c = crypto.MessageCrypto(WECOM_ENV["WECOM_TOKEN"], AES_KEY, WECOM_ENV["WECOM_CORP_ID"])
    encrypt = c.encrypt(xmlmsg.message(fields))
    body = (
        f"<xml><ToUserName>{xmlmsg.cdata(WECOM_ENV['WECOM_CORP_ID'])}</ToUserName>"
        f"<Encrypt>{xmlmsg.cdata(encrypt)}</Encrypt><AgentID>1000002</AgentID></xml>"
    )
    return {"msg_signature": c.sign(ts, nonce, encrypt), "timestamp": ts, "nonce": nonce}, (
        body.encode()
    )


def open_reply(body: str, token: str, receiver: str, aes_key: str = AES_KEY) -> Dict[str, str]:
    """Verify and decrypt an encrypted passive reply, as the platform would."""
    outer = xmlmsg.parse(body)
    c = crypto.MessageCrypto(token, aes_key, receiver)
    assert c.verify(outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
    return xmlmsg.parse(c.decrypt(outer["Encrypt"]))


async def post(session: aiohttp.ClientSession, url: str, params, body: bytes):
    async with session.post(url + "/webhook", params=params, data=body) as res:
        return res.status, await res.text()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session
