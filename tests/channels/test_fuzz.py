"""Property: whatever arrives at the webhooks (any body, any query, signed or not, valid
crypto around garbage or garbage crypto), the answer is 200, 400 or 403, never a 500.

The channels run in real sanic servers on 127.0.0.1, in a background thread, so that
Hypothesis can drive them with plain synchronous HTTP requests.
"""

from __future__ import annotations

import asyncio
import base64
import threading
import time
from typing import Dict, Iterator, Tuple

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels import crypto, xmlmsg
from tests.channels.conftest import (
    AES_KEY,
    WECHAT_ENV,
    WECOM_ENV,
    ScriptedBot,
    echo,
    serve,
    wechat_channel,
    wecom_channel,
)

FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,  # leave no .hypothesis directory behind
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 400, 403}


class BackgroundServer:
    """`serve(...)` on its own event loop in a daemon thread."""

    def __init__(self, channel) -> None:
        self.channel = channel
        self.bot = ScriptedBot(echo)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        self.cm = serve(self.channel, self.bot)
        return asyncio.run_coroutine_threadsafe(self.cm.__aenter__(), self.loop).result(10)

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self.cm.__aexit__(None, None, None), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture(scope="module")
def servers() -> Iterator[Dict[str, str]]:
    with BackgroundServer(wechat_channel()) as wechat, BackgroundServer(wecom_channel()) as wecom:
        yield {"wechat": wechat, "wecom": wecom}


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        s.trust_env = False  # loopback only, never through a proxy
        yield s


# -- strategies ------------------------------------------------------------------------

FRAGMENTS = [
    "<xml>",
    "</xml>",
    "<MsgType>",
    "</MsgType>",
    "text",
    "event",
    "<Content>",
    "</Content>",
    "<![CDATA[",
    "]]>",
    "<FromUserName>",
    "</FromUserName>",
    "<ToUserName>u</ToUserName>",
    "<MsgId>1</MsgId>",
    "<Event>subscribe</Event>",
    "<Encrypt>",
    "</Encrypt>",
    "&amp;",
    "&xxe;",
    "<!DOCTYPE xml [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>",
    "<?xml version='1.0'?>",
    "<!-- c -->",
    "<a b='c'/>",
    "\x00",
    "\ud800".encode("utf-8", "surrogatepass").decode("latin1"),
    "客服",
    "1",
    " ",
]
xmlish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=30).map(
    lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
)
messages = st.fixed_dictionaries(
    {
        "ToUserName": st.text(max_size=20),
        "FromUserName": st.one_of(st.just("oFuzzUser"), st.text(max_size=20)),
        "CreateTime": st.one_of(st.just(str(int(time.time()))), st.text(max_size=12)),
        "MsgType": st.sampled_from(["text", "event", "image", "voice", "location", "link", "x"]),
        "Content": st.text(max_size=200),
        "Event": st.sampled_from(["subscribe", "unsubscribe", "SCAN", "CLICK", ""]),
        "Recognition": st.text(max_size=20),
        "MsgId": st.text(alphabet="0123456789", max_size=20),
    }
).map(lambda f: xmlmsg.message(f).encode())
bodies = st.one_of(st.binary(max_size=1024), xmlish, messages, messages)
# Mostly well-signed and fresh, so that requests get past the checks into parsing,
# decryption and the conversation; sometimes anything at all.
timestamps = st.one_of(st.text(max_size=15), st.integers(0, 2**40).map(str))
nonces = st.one_of(st.text(alphabet="0123456789abcdef", max_size=12), st.text(max_size=12))


def _ts(draw) -> str:
    return str(int(time.time())) if draw(st.integers(0, 4)) else draw(timestamps)


def _ciphertext(draw, key_receiver: Tuple[str, str]) -> str:
    kind = draw(st.sampled_from(["text", "b64", "valid"]))
    if kind == "text":
        return draw(st.text(max_size=200))
    if kind == "b64":
        return base64.b64encode(draw(st.binary(max_size=256))).decode()
    token, receiver = key_receiver
    return crypto.MessageCrypto(token, AES_KEY, receiver).encrypt(draw(bodies))


@st.composite
def wechat_requests(draw):
    token = WECHAT_ENV["WECHAT_TOKEN"]
    ts = _ts(draw)
    nonce = draw(nonces)
    signed = draw(st.integers(0, 4)) > 0
    params = {
        "timestamp": ts,
        "nonce": nonce,
        "signature": crypto.signature(token, ts, nonce) if signed else draw(st.text(max_size=41)),
    }
    mode = draw(st.sampled_from(["raw", "aes", "other"]))
    if mode == "raw":
        return params, draw(bodies)
    if mode == "other":
        params["encrypt_type"] = draw(st.text(max_size=8))
        return params, draw(bodies)
    encrypt = _ciphertext(draw, (token, WECHAT_ENV["WECHAT_APP_ID"]))
    params["encrypt_type"] = "aes"
    params["msg_signature"] = crypto.signature(token, ts, nonce, encrypt)
    body = f"<xml><ToUserName>u</ToUserName><Encrypt>{xmlmsg.cdata(encrypt)}</Encrypt></xml>"
    return params, body.encode()


@st.composite
def wecom_requests(draw):
    token = WECOM_ENV["WECOM_TOKEN"]
    ts = _ts(draw)
    nonce = draw(nonces)
    if not draw(st.integers(0, 4)):
        return {"timestamp": ts, "nonce": nonce, "msg_signature": draw(st.text())}, draw(bodies)
    encrypt = _ciphertext(draw, (token, WECOM_ENV["WECOM_CORP_ID"]))
    params = {
        "timestamp": ts,
        "nonce": nonce,
        "msg_signature": crypto.signature(token, ts, nonce, encrypt),
    }
    body = f"<xml><Encrypt>{xmlmsg.cdata(encrypt)}</Encrypt><AgentID>1</AgentID></xml>"
    return params, body.encode()


def _check(res: requests.Response) -> None:
    assert res.status_code in ALLOWED, (res.status_code, res.text[:200])
    if res.status_code == 200 and res.text not in ("", "success"):
        xmlmsg.parse(res.content)  # a reply is well-formed XML


@FUZZ
@given(request=wechat_requests())
def test_official_account_webhook_never_500s(servers, session, request):
    params, body = request
    _check(session.post(servers["wechat"] + "/webhook", params=params, data=body, timeout=5))


@FUZZ
@given(request=wecom_requests())
def test_wecom_webhook_never_500s(servers, session, request):
    params, body = request
    _check(session.post(servers["wecom"] + "/webhook", params=params, data=body, timeout=5))


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["signature", "msg_signature", "timestamp", "nonce", "echostr"]),
        st.text(max_size=60),
    ),
    platform=st.sampled_from(["wechat", "wecom"]),
)
def test_url_verification_never_500s(servers, session, params, platform):
    _check(session.get(servers[platform] + "/webhook", params=params, timeout=5))
