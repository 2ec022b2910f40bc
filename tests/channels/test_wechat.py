"""Official Account round trips through a real sanic server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import os
import time

from bot import render
from bot.channels import crypto, xmlmsg
from bot.channels.replies import BOT_FAILED, MAX_BYTES, UNDERSTANDS_TEXT_ONLY, split_text
from tests.channels.conftest import (
    AES_KEY,
    OA_ACCOUNT,
    USER,
    WECHAT_ENV,
    LostLock,
    ScriptedBot,
    echo,
    fake_api,
    oa_aes_request,
    oa_plain_request,
    open_reply,
    post,
    serve,
    text_fields,
    wechat_channel,
)
from tests.channels.test_xmlmsg import BILLION_LAUGHS, XXE

APP_ID = WECHAT_ENV["WECHAT_APP_ID"]


def open_oa(body: str):
    return open_reply(body, "test-token", APP_ID)


# -- URL verification --------------------------------------------------------


async def test_url_verification_echoes_echostr_unchanged(http):
    async with serve(wechat_channel(), ScriptedBot(echo)) as url:
        ts, nonce, echostr = str(int(time.time())), "123456", "7051393651370098512+/="
        good = {
            "signature": crypto.signature("test-token", ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "echostr": echostr,
        }
        async with http.get(url + "/webhook", params=good) as res:
            assert res.status == 200 and await res.text() == echostr
        forged = {**good, "signature": crypto.signature("wrong-token", ts, nonce)}
        async with http.get(url + "/webhook", params=forged) as res:
            assert res.status == 403
        old = str(int(time.time()) - 301)
        stale = {**good, "timestamp": old, "signature": crypto.signature("test-token", old, nonce)}
        async with http.get(url + "/webhook", params=stale) as res:
            assert res.status == 403


# -- text messages -------------------------------------------------------------


async def test_plaintext_message_is_answered_passively(http):
    bot = ScriptedBot(echo)
    async with serve(wechat_channel(), bot) as url:
        status, body = await post(http, url, *oa_plain_request(text_fields("客服主管工资多少")))
    assert status == 200
    reply = xmlmsg.parse(body)
    assert reply["Content"] == "你说:客服主管工资多少"
    assert reply["ToUserName"] == USER and reply["FromUserName"] == OA_ACCOUNT
    assert reply["MsgType"] == "text"
    (message,) = bot.calls
    assert message.sender_id == f"wechat:{USER}" and message.input_channel == "wechat"


async def test_safe_and_compatible_mode_messages_get_encrypted_replies(http):
    bot = ScriptedBot(echo)
    async with serve(wechat_channel(), bot) as url:
        status, body = await post(http, url, *oa_aes_request(text_fields("安全模式")))
        assert status == 200
        assert "安全模式" not in body  # the reply is encrypted
        assert open_oa(body)["Content"] == "你说:安全模式"
        compatible = oa_aes_request(text_fields("兼容模式"), compatible=True)
        status, body = await post(http, url, *compatible)
        assert status == 200 and open_oa(body)["Content"] == "你说:兼容模式"


async def test_tencent_sample_message_in_compatible_mode(http):
    """Tencent's Official Account sample POST (see test_crypto.py), clock window off."""
    from tests.channels.test_crypto import TENCENT_OA_ENCRYPT

    channel = wechat_channel(
        WECHAT_TOKEN="spamtest", WECHAT_APP_ID="wx2c2769f8efd9abc2", WECHAT_MAX_CLOCK_SKEW_S="0"
    )
    body = (
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>"
        "<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>"
        "<CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId>"
        f"<Encrypt><![CDATA[{TENCENT_OA_ENCRYPT}]]></Encrypt></xml>"
    )
    ts, nonce = "1409735669", "1320562132"
    params = {
        "signature": crypto.signature("spamtest", ts, nonce),
        "timestamp": ts,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
    }
    bot = ScriptedBot(echo)
    async with serve(channel, bot) as url:
        status, reply = await post(http, url, params, body.encode())
    assert status == 200
    fields = open_reply(reply, "spamtest", "wx2c2769f8efd9abc2")
    assert fields["Content"] == "你说:abcdteT"
    assert fields["ToUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"


async def test_reply_text_with_cdata_terminator_arrives_intact(http):
    tricky = "看这个 ]]> 还有 <xml> & ]]]]>"
    async with serve(wechat_channel(), ScriptedBot(lambda _: [{"text": tricky}])) as url:
        _, body = await post(http, url, *oa_plain_request(text_fields("x")))
        assert xmlmsg.parse(body)["Content"] == tricky
        _, body = await post(http, url, *oa_aes_request(text_fields("y")))
        assert open_oa(body)["Content"] == tricky


# -- rejected requests -----------------------------------------------------------


async def test_forged_signatures_are_403_and_not_processed(http):
    bot = ScriptedBot(echo)
    async with serve(wechat_channel(), bot) as url:
        params, body = oa_plain_request(text_fields("伪造"), token="attacker")
        assert (await post(http, url, params, body))[0] == 403
        params, body = oa_plain_request(text_fields("无签名"))
        del params["signature"]
        assert (await post(http, url, params, body))[0] == 403
        params, body = oa_aes_request(text_fields("伪造密文签名"))
        params["msg_signature"] = crypto.signature("x", "y", "z", "w")
        assert (await post(http, url, params, body))[0] == 403
    assert bot.calls == []


async def test_stale_timestamp_is_403_unless_the_window_is_off(http):
    bot = ScriptedBot(echo)
    old = str(int(time.time()) - 3600)
    async with serve(wechat_channel(), bot) as url:
        assert (await post(http, url, *oa_plain_request(text_fields("旧"), timestamp=old)))[
            0
        ] == 403
        future = str(int(time.time()) + 3600)
        assert (await post(http, url, *oa_plain_request(text_fields("新"), timestamp=future)))[
            0
        ] == 403
    assert bot.calls == []
    async with serve(wechat_channel(WECHAT_MAX_CLOCK_SKEW_S="0"), bot) as url:
        assert (await post(http, url, *oa_plain_request(text_fields("旧"), timestamp=old)))[
            0
        ] == 200
    assert bot.texts == ["旧"]


async def test_hostile_and_malformed_bodies_are_400(http):
    bot = ScriptedBot(echo)
    c = crypto.MessageCrypto("test-token", AES_KEY, APP_ID)

    def signed_aes(encrypt: str):
        params, _ = oa_aes_request(text_fields("x"))
        params["msg_signature"] = c.sign(params["timestamp"], params["nonce"], encrypt)
        return params, f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()

    async with serve(wechat_channel(), bot) as url:
        plain_params, _ = oa_plain_request(text_fields("x"))
        for body in (
            XXE,
            BILLION_LAUGHS,
            os.urandom(512),
            b"",
            b"<xml><a>",
            b"<xml>" + b"<a>x</a>" * 9000 + b"</xml>",  # > 64 KB
            b"<xml><MsgType>text</MsgType></xml>",
        ):  # no sender
            assert (await post(http, url, plain_params, body))[0] == 400, body[:40]
        for encrypt in (
            "%%%not-base64%%%",
            base64.b64encode(os.urandom(48)).decode(),
            base64.b64encode(b"0123456789").decode(),
        ):
            assert (await post(http, url, *signed_aes(encrypt)))[0] == 400
        # well-formed crypto around a hostile inner document
        assert (await post(http, url, *signed_aes(c.encrypt(XXE))))[0] == 400
        params, body = oa_aes_request(text_fields("x"))
        params["encrypt_type"] = "rot13"
        assert (await post(http, url, params, body))[0] == 400
    assert bot.calls == []


# -- retries and the deadline -------------------------------------------------------


async def test_retried_msgid_runs_the_conversation_once(http):
    bot = ScriptedBot(echo, delay_s=0.2)
    async with serve(wechat_channel(), bot) as url:
        fields = text_fields("重试", msg_id=42)
        first, second = await asyncio.gather(  # a retry while the first is in flight
            post(http, url, *oa_plain_request(fields)),
            post(http, url, *oa_aes_request(fields)),
        )
        third = await post(http, url, *oa_plain_request(fields))  # a retry after the reply
    assert len(bot.calls) == 1
    assert xmlmsg.parse(first[1])["Content"] == "你说:重试"
    assert open_oa(second[1])["Content"] == "你说:重试"  # same reply, sealed for its request
    assert xmlmsg.parse(third[1])["Content"] == "你说:重试"


async def test_events_are_deduplicated_by_sender_and_time(http):
    bot = ScriptedBot(lambda text: [{"text": "欢迎关注"}])
    event = {
        "ToUserName": OA_ACCOUNT,
        "FromUserName": USER,
        "CreateTime": "1700000000",
        "MsgType": "event",
        "Event": "subscribe",
    }
    async with serve(wechat_channel(WECHAT_MAX_CLOCK_SKEW_S="0"), bot) as url:
        for _ in range(3):
            status, body = await post(http, url, *oa_plain_request(event))
            assert status == 200 and xmlmsg.parse(body)["Content"] == "欢迎关注"
    assert bot.texts == ["/greet"]


async def test_slow_bot_gets_success_and_an_async_customer_service_message(http):
    bot = ScriptedBot(echo, delay_s=1.0)  # the deadline is 0.5 s in these tests
    async with fake_api() as api, serve(wechat_channel(api.url), bot) as url:
        fields = text_fields("慢问题")
        started = time.monotonic()
        status, body = await post(http, url, *oa_aes_request(fields))
        assert status == 200 and body == "success"
        assert time.monotonic() - started < 0.9
        retry = await post(http, url, *oa_plain_request(fields))  # WeChat retries
        assert retry == (200, "success")
        (sent,) = await api.wait_for(1)
    assert sent["touser"] == USER and sent["msgtype"] == "text"
    assert sent["text"]["content"] == "你说:慢问题"
    assert sent["_access_token"] == "token-1"
    assert len(bot.calls) == 1


async def test_long_reply_is_split_and_sent_in_order(http):
    lines = [f"{i:03d} 客服经理负责制定服务标准、管理团队绩效并处理升级投诉。" for i in range(120)]
    bot = ScriptedBot(lambda _: [{"text": "\n".join(lines)}])
    async with fake_api() as api, serve(wechat_channel(api.url), bot) as url:
        assert await post(http, url, *oa_plain_request(text_fields("长"))) == (200, "success")
        total = len(split_text("\n".join(lines)))
        sent = await api.wait_for(total)
    chunks = [m["text"]["content"] for m in sent]
    assert len(chunks) == total >= 3
    assert all(len(c.encode()) <= MAX_BYTES for c in chunks)
    assert "\n".join(chunks).split("\n") == lines  # whole lines, in order


async def test_numbered_options_map_back_to_button_payloads(http):
    buttons = [
        {"title": "客服主管工资多少", "payload": '/ask_salary{"role": "客服主管"}'},
        {"title": "客服总监要考什么证", "payload": '/ask_certification{"role": "客服总监"}'},
    ]

    def script(text):
        if text == "/greet":
            return [{"text": "您好!我是客服职业助手。", "buttons": buttons}]
        return [{"text": f"收到 {text}"}]

    bot = ScriptedBot(script)
    event = {**text_fields(""), "MsgType": "event", "Event": "subscribe"}
    event.pop("MsgId"), event.pop("Content")
    async with serve(wechat_channel(), bot) as url:
        _, body = await post(http, url, *oa_plain_request(event))
        assert xmlmsg.parse(body)["Content"] == (
            "您好!我是客服职业助手。\n回复 1 查看:客服主管工资多少\n回复 2 查看:客服总监要考什么证"
        )
        _, body = await post(http, url, *oa_plain_request(text_fields("２")))
        assert xmlmsg.parse(body)["Content"] == '收到 /ask_certification{"role": "客服总监"}'
        # the last reply had no options: "1" is now just text, and so for another user
        await post(http, url, *oa_plain_request(text_fields("1")))
        await post(http, url, *oa_plain_request(text_fields("1", user="someone-else")))
    assert bot.texts == ["/greet", '/ask_certification{"role": "客服总监"}', "1", "1"]


# -- events and other message types --------------------------------------------------


async def test_events_and_non_text_messages(http):
    bot = ScriptedBot(lambda text: [{"text": "欢迎!" if text == "/greet" else f"你说:{text}"}])
    base = {"ToUserName": OA_ACCOUNT, "FromUserName": USER}

    def fields(n, **kw):
        return {**base, "CreateTime": str(int(time.time()) + n), **kw}

    async with serve(wechat_channel(), bot) as url:

        async def reply(f):
            status, body = await post(http, url, *oa_plain_request(f))
            assert status == 200
            return body if body == "success" else xmlmsg.parse(body)["Content"]

        assert (
            await reply(fields(1, MsgType="event", Event="subscribe", EventKey="qrscene_7"))
            == "欢迎!"
        )
        assert await reply(fields(2, MsgType="event", Event="SCAN", EventKey="7")) == "欢迎!"
        assert await reply(fields(3, MsgType="event", Event="unsubscribe")) == "success"
        assert await reply(fields(4, MsgType="event", Event="CLICK", EventKey="m")) == "success"
        for i, kind in enumerate(("image", "location", "link", "video", "shortvideo")):
            assert await reply(fields(10 + i, MsgType=kind, MsgId=str(900 + i))) == (
                UNDERSTANDS_TEXT_ONLY
            )
        assert await reply(fields(20, MsgType="voice", MsgId="950", Recognition="")) == (
            UNDERSTANDS_TEXT_ONLY
        )
        assert (
            await reply(fields(21, MsgType="voice", MsgId="951", Recognition="客服主管工资多少。"))
            == "你说:客服主管工资多少。"
        )
    assert bot.texts == ["/greet", "/greet", "客服主管工资多少。"]


async def test_a_failing_bot_gets_an_apology_not_an_error(http):
    async def broken(message):
        raise RuntimeError("tracker store down")

    async with serve(wechat_channel(), broken) as url:
        status, body = await post(http, url, *oa_plain_request(text_fields("你好")))
    assert status == 200 and "稍后再试" in xmlmsg.parse(body)["Content"]


async def test_a_lost_conversation_lock_is_tried_once_more(http):
    bot = LostLock(times=1)
    async with serve(wechat_channel(), bot) as url:
        status, body = await post(http, url, *oa_plain_request(text_fields("你好")))
    assert status == 200 and xmlmsg.parse(body)["Content"] == "你说:你好"
    assert bot.calls == 2 and bot.bot.texts == ["你好"]


async def test_a_lock_lost_twice_gets_the_apology(http):
    bot = LostLock(times=2)
    async with serve(wechat_channel(), bot) as url:
        status, body = await post(http, url, *oa_plain_request(text_fields("你好")))
    assert status == 200 and xmlmsg.parse(body)["Content"] == BOT_FAILED
    assert bot.calls == 2 and bot.bot.texts == []


async def test_a_lock_lost_after_the_bot_spoke_is_not_tried_again(http):
    bot = LostLock(times=1, after_reply=True)
    async with serve(wechat_channel(), bot) as url:
        status, body = await post(http, url, *oa_plain_request(text_fields("你好")))
    assert status == 200 and xmlmsg.parse(body)["Content"] == BOT_FAILED
    assert bot.calls == 1 and bot.bot.texts == []


async def test_answer_from_the_real_knowledge_base(http, kb):
    """The bot double answers with bot.render over the seed knowledge base, as the actions do."""

    def script(text):
        answer = render.salary_answer(kb, "客服主管")
        return [{"text": answer.text}, {"custom": answer.payload}]

    async with serve(wechat_channel(), ScriptedBot(script)) as url:
        status, body = await post(http, url, *oa_aes_request(text_fields("客服主管工资多少")))
    content = open_oa(body)["Content"]
    assert status == 200
    assert "资深级(5年以上经验):18000-30000元/月" in content
    assert "——来源:《客服主管职业发展前景深度分析" in content
    assert "【客服主管薪资一览】" in content and "资深 | 18000-30000 | 13000-20000" in content
    assert len(content.encode()) <= MAX_BYTES
