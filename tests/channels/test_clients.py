"""Customer-service senders against a local stand-in for Tencent's API.

The stand-in runs on the test's own event loop, so a send that blocked the loop would never
get its answer: every passing send here also shows the HTTP call runs off the loop.
"""

from __future__ import annotations

import time

from bot.channels.clients import (
    REFRESH_MARGIN_S,
    OfficialAccountClient,
    WeComAppClient,
    redact,
    send_texts,
)
from tests.channels.conftest import fake_api


async def test_official_account_send_caches_the_token():
    async with fake_api() as api:
        client = OfficialAccountClient("wxapp", "secret", api.url)
        assert await send_texts(client, "oUser", ["一", "二"]) == 2
        assert api.token_calls == 1
        assert [m["text"]["content"] for m in api.sent] == ["一", "二"]
        assert {m["touser"] for m in api.sent} == {"oUser"}
        assert {m["_path"] for m in api.sent} == {"/cgi-bin/message/custom/send"}
        assert {m["_access_token"] for m in api.sent} == {"token-1"}


async def test_token_is_refreshed_well_before_it_expires():
    async with fake_api() as api:
        client = OfficialAccountClient("wxapp", "secret", api.url)
        await send_texts(client, "u", ["a"])
        assert client._refresh_at <= client.expires_at - REFRESH_MARGIN_S + 1  # int expires_at
        client._refresh_at = time.time() - 1  # the early-refresh point has passed
        await send_texts(client, "u", ["b"])
        assert api.token_calls == 2
        assert api.sent[-1]["_access_token"] == "token-2"


async def test_short_lived_tokens_refresh_at_half_life():
    async with fake_api() as api:
        api.expires_in = 300
        client = OfficialAccountClient("wxapp", "secret", api.url)
        await send_texts(client, "u", ["a"])
        assert 140 < client._refresh_at - time.time() <= 150


async def test_wecom_send_uses_message_send_with_the_agent():
    async with fake_api() as api:
        client = WeComAppClient("wwcorp", "secret", "1000002", api.url)
        assert await send_texts(client, "ZhangSan", ["你好"]) == 1
        (sent,) = api.sent
        assert sent["_path"] == "/cgi-bin/message/send"
        assert sent["agentid"] == 1000002 and sent["touser"] == "ZhangSan"
        assert sent["msgtype"] == "text" and sent["text"]["content"] == "你好"


async def test_failed_send_is_logged_without_secrets(caplog):
    client = OfficialAccountClient("wxapp", "secret", "http://127.0.0.1:9/cgi-bin/", timeout=1)
    assert await send_texts(client, "u", ["a", "b"]) == 0  # nothing listens on port 9
    assert "customer-service send failed after 0 of 2" in caplog.text
    assert "secret=secret" not in caplog.text
    text = redact(ValueError("GET /cgi-bin/x?access_token=abc123&corpsecret=s3 failed"))
    assert "abc123" not in text and "s3" not in text and "access_token=***" in text


def test_api_request_lines_are_logged_without_secrets(caplog) -> None:
    import logging

    log = logging.getLogger("urllib3.connectionpool")
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        log.debug('"GET /cgi-bin/gettoken?corpid=%s&corpsecret=%s HTTP/1.1" 200', "ww1", "S3cr3t")
        log.debug("GET /cgi-bin/message/send?access_token=%s", "TOKEN42")
    text = caplog.text
    assert "S3cr3t" not in text and "TOKEN42" not in text
    assert "corpsecret=***" in text and "access_token=***" in text and "corpid=ww1" in text
