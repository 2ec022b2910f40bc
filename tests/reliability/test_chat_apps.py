"""The same input checks on the WeChat Official Account and WeCom channels: per-user rate
limit, too long, nothing to answer. Answers are polite passive texts, never errors."""

from __future__ import annotations

import pytest

from bot.channels import xmlmsg
from bot.channels.guard import NOTHING_TO_ANSWER, RATE_LIMITED, UNAVAILABLE
from tests.channels.conftest import (
    WECOM_ENV,
    ScriptedBot,
    echo,
    oa_plain_request,
    open_reply,
    post,
    serve,
    text_fields,
    wechat_channel,
    wecom_channel,
    wecom_request,
)
from tests.channels.conftest import http as http


async def ask(http, url, content, user="oUser-1", msg_id=None):
    status, body = await post(http, url, *oa_plain_request(text_fields(content, user, msg_id)))
    assert status == 200
    return body if body == "success" else xmlmsg.parse(body)["Content"]


@pytest.mark.parametrize("content", ["😀🎉", "?!。……", "\u200b\u200d\ufeff"])
async def test_nothing_to_answer_is_a_polite_prompt(http, content):
    bot = ScriptedBot(echo)
    async with serve(wechat_channel(), bot) as url:
        assert await ask(http, url, content) == NOTHING_TO_ANSWER
    assert bot.calls == []


async def test_too_long_and_invisible_characters(http):
    bot = ScriptedBot(echo)
    async with serve(wechat_channel(MAX_MESSAGE_CHARS="20"), bot) as url:
        assert "太长" in await ask(http, url, "客" * 21)
        assert await ask(http, url, "客服\u200b主管工资") == "你说:客服主管工资"
    assert bot.texts == ["客服主管工资"]


async def test_rate_limit_per_user_with_a_polite_text(http):
    bot = ScriptedBot(echo)
    env = {"RATE_LIMIT_PER_MIN": "1", "RATE_LIMIT_BURST": "2"}
    async with serve(wechat_channel(**env), bot) as url:
        replies = [await ask(http, url, f"问题{i}", msg_id=7000 + i) for i in range(4)]
        assert replies == ["你说:问题0", "你说:问题1", RATE_LIMITED, RATE_LIMITED]
        # A platform retry of an answered message is not counted, and gets its answer.
        assert await ask(http, url, "问题0", msg_id=7000) == "你说:问题0"
        assert await ask(http, url, "别人的问题", user="oUser-2") == "你说:别人的问题"
    assert bot.texts == ["问题0", "问题1", "别人的问题"]


async def test_wecom_gets_the_same_checks(http):
    bot = ScriptedBot(echo)
    async with serve(wecom_channel(RATE_LIMIT_PER_MIN="1", RATE_LIMIT_BURST="1"), bot) as url:

        async def ask_wecom(content, msg_id):
            fields = text_fields(content, "zhangsan", msg_id, AgentID="1000002")
            fields["ToUserName"] = WECOM_ENV["WECOM_CORP_ID"]
            status, body = await post(http, url, *wecom_request(fields))
            assert status == 200
            token, corp = WECOM_ENV["WECOM_TOKEN"], WECOM_ENV["WECOM_CORP_ID"]
            return open_reply(body, token, corp)["Content"]

        assert await ask_wecom("😀", 8001) == NOTHING_TO_ANSWER
        assert await ask_wecom("你好", 8002) == RATE_LIMITED  # the emoji used the one token
    assert bot.calls == []


async def test_a_turn_without_any_reply_gets_the_apology(http):
    """What Rasa does when the action server is down: no bot message at all."""
    bot = ScriptedBot(lambda text: [])
    async with serve(wechat_channel(), bot) as url:
        assert await ask(http, url, "客服主管工资多少") == UNAVAILABLE
