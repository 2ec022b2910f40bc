"""WeCom round trips through a real sanic server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time

from bot.channels import crypto, xmlmsg
from bot.channels.replies import MAX_BYTES, split_text
from tests.channels.conftest import (
    AES_KEY,
    WECOM_ENV,
    ScriptedBot,
    echo,
    fake_api,
    open_reply,
    post,
    serve,
    wecom_channel,
    wecom_request,
)
from tests.channels.test_crypto import TENCENT_WECOM_ECHO, TENCENT_WECOM_ENCRYPT
from tests.channels.test_xmlmsg import BILLION_LAUGHS, XXE

CORP = WECOM_ENV["WECOM_CORP_ID"]
TOKEN = WECOM_ENV["WECOM_TOKEN"]
TENCENT_SAMPLE_ENV = {
    "WECOM_TOKEN": "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    "WECOM_ENCODING_AES_KEY": "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    "WECOM_CORP_ID": "ww1436e0e65a779aee",
    "WECHAT_MAX_CLOCK_SKEW_S": "0",  # the samples' timestamps are from 2016
}


def member_text(content: str, user: str = "ZhangSan", msg_id: int | None = None):
    return {
        "ToUserName": CORP,
        "FromUserName": user,
        "CreateTime": str(int(time.time())),
        "MsgType": "text",
        "Content": content,
        "MsgId": str(msg_id or time.time_ns()),
        "AgentID": "1000002",
    }


def open_wecom(body: str):
    return open_reply(body, TOKEN, CORP)


async def test_url_verification_with_tencents_sample(http):
    params = {
        "msg_signature": "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
        "timestamp": "1476416373",
        "nonce": "47744683",
        "echostr": TENCENT_WECOM_ECHO,
    }
    async with serve(wecom_channel(**TENCENT_SAMPLE_ENV), ScriptedBot(echo)) as url:
        async with http.get(url + "/webhook", params=params) as res:
            assert res.status == 200
            assert await res.read() == b"1288432023552776189"  # exactly, no newline
        async with http.get(url + "/webhook", params={**params, "nonce": "1"}) as res:
            assert res.status == 403


async def test_url_verification_checks_the_clock_and_base64(http):
    c = crypto.MessageCrypto(TOKEN, AES_KEY, CORP)
    async with serve(wecom_channel(), ScriptedBot(echo)) as url:
        for age, echostr, expected in (
            (0, c.encrypt("42"), 200),
            (3600, c.encrypt("42"), 403),
            (0, "!!notbase64!!", 400),
        ):
            ts = str(int(time.time()) - age)
            params = {
                "msg_signature": c.sign(ts, "9", echostr),
                "timestamp": ts,
                "nonce": "9",
                "echostr": echostr,
            }
            async with http.get(url + "/webhook", params=params) as res:
                assert res.status == expected
                if expected == 200:
                    assert await res.text() == "42"


async def test_tencent_sample_message_is_decrypted_and_answered(http):
    params = {
        "msg_signature": "0c3914025cb4b4d68103f6bfc8db550f79dcf48e",
        "timestamp": "1476422779",
        "nonce": "1597212914",
    }
    body = (
        "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n"
        f"<Encrypt><![CDATA[{TENCENT_WECOM_ENCRYPT}]]></Encrypt>\n"
        "<AgentID><![CDATA[1000002]]></AgentID>\n</xml>"
    )
    bot = ScriptedBot(echo)
    async with serve(wecom_channel(**TENCENT_SAMPLE_ENV), bot) as url:
        status, reply = await post(http, url, params, body.encode())
    assert status == 200
    sample = TENCENT_SAMPLE_ENV
    fields = open_reply(
        reply, sample["WECOM_TOKEN"], sample["WECOM_CORP_ID"], sample["WECOM_ENCODING_AES_KEY"]
    )
    assert fields["Content"] == "你说:你好"
    assert fields["ToUserName"] == "ChenJiaShun" and fields["FromUserName"] == "ww1436e0e65a779aee"
    assert bot.calls[0].sender_id == "wecom:ChenJiaShun"


async def test_message_answered_with_an_encrypted_reply(http):
    bot = ScriptedBot(echo)
    async with serve(wecom_channel(), bot) as url:
        status, body = await post(http, url, *wecom_request(member_text("客服总监要考什么证")))
    assert status == 200
    assert open_wecom(body)["Content"] == "你说:客服总监要考什么证"


async def test_forged_stale_and_malformed_requests(http):
    bot = ScriptedBot(echo)
    async with serve(wecom_channel(), bot) as url:
        params, body = wecom_request(member_text("伪造"))
        params["msg_signature"] = "0" * 40
        assert (await post(http, url, params, body))[0] == 403
        old = str(int(time.time()) - 301)
        assert (await post(http, url, *wecom_request(member_text("旧"), timestamp=old)))[0] == 403
        good_params, _ = wecom_request(member_text("x"))
        for hostile in (
            XXE,
            BILLION_LAUGHS,
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
            xmlmsg.message(member_text("plaintext")).encode(),
        ):  # WeCom encrypts
            assert (await post(http, url, good_params, hostile))[0] == 400
    assert bot.calls == []


async def test_retry_runs_once_and_slow_replies_go_through_message_send(http):
    bot = ScriptedBot(echo, delay_s=0.8)
    async with fake_api() as api, serve(wecom_channel(api.url), bot) as url:
        fields = member_text("慢", msg_id=77)
        replies = await asyncio.gather(
            post(http, url, *wecom_request(fields)), post(http, url, *wecom_request(fields))
        )
        assert replies == [(200, ""), (200, "")]  # empty 200: the answer comes later
        (sent,) = await api.wait_for(1)
    assert len(bot.calls) == 1
    assert sent["_path"] == "/cgi-bin/message/send"
    assert sent["touser"] == "ZhangSan" and sent["agentid"] == 1000002
    assert sent["text"]["content"] == "你说:慢"


async def test_long_reply_goes_out_in_chunks(http):
    text = "\n".join(f"第{i}条:企业微信长回复按行切分。" for i in range(300))
    bot = ScriptedBot(lambda _: [{"text": text}])
    async with fake_api() as api, serve(wecom_channel(api.url), bot) as url:
        assert await post(http, url, *wecom_request(member_text("长"))) == (200, "")
        sent = await api.wait_for(len(split_text(text)))
    chunks = [m["text"]["content"] for m in sent]
    assert "\n".join(chunks) == text
    assert all(len(c.encode()) <= MAX_BYTES for c in chunks)


async def test_subscribe_greets_and_other_events_are_silent(http):
    bot = ScriptedBot(lambda text: [{"text": "欢迎使用"}])
    base = {"ToUserName": CORP, "FromUserName": "LiSi", "MsgType": "event", "AgentID": "1000002"}
    async with serve(wecom_channel(), bot) as url:
        _, body = await post(
            http,
            url,
            *wecom_request({**base, "CreateTime": str(int(time.time())), "Event": "subscribe"}),
        )
        assert open_wecom(body)["Content"] == "欢迎使用"
        for i, event in enumerate(("enter_agent", "unsubscribe", "click")):
            fields = {**base, "CreateTime": str(int(time.time()) + i + 1), "Event": event}
            assert await post(http, url, *wecom_request(fields)) == (200, "")
    assert bot.texts == ["/greet"]
