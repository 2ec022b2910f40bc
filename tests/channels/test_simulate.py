"""The developer simulator signs and encrypts like the platforms, and reads their replies."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time

import pytest

from bot.channels.replies import UNDERSTANDS_TEXT_ONLY
from bot.channels.simulate import DEFAULTS, Platform, main, settings
from tests.channels.conftest import WECHAT_ENV, WECOM_ENV, ScriptedBot, serve, wechat_channel
from tests.channels.conftest import wecom_channel as make_wecom


def greet_or_echo(text):
    return [{"text": "欢迎!" if text == "/greet" else f"你说:{text}"}]


@pytest.mark.parametrize(
    ("name", "encrypt"), [("wechat", False), ("wechat", True), ("wecom", False)]
)
async def test_simulated_requests_are_accepted_and_replies_read(http, name, encrypt):
    env = WECHAT_ENV if name == "wechat" else WECOM_ENV
    channel = wechat_channel() if name == "wechat" else make_wecom()
    platform = Platform(name, settings(name, env), encrypt=encrypt, user="dev")
    bot = ScriptedBot(greet_or_echo)
    async with serve(channel, bot) as url:

        async def say(line):
            params, body = platform.request(platform.message_fields(line))
            async with http.post(url + "/webhook", params=params, data=body) as res:
                assert res.status == 200
                reply = platform.read_reply(await res.text())
                return reply and reply["Content"]

        assert await say("客服主管工资多少") == "你说:客服主管工资多少"
        assert await say("!subscribe") == "欢迎!"
        assert await say("!voice 客服专员怎么晋升") == "你说:客服专员怎么晋升"
        assert await say("!image") == UNDERSTANDS_TEXT_ONLY
        assert await say("!unsubscribe") is None
    assert bot.texts == ["客服主管工资多少", "/greet", "客服专员怎么晋升"]


async def test_command_line_round_trip():
    """`python -m bot.channels.simulate wechat --encrypt` against a served channel."""
    async with serve(wechat_channel(), ScriptedBot(greet_or_echo)) as url:
        base = url.rsplit("/webhooks/", 1)[0]
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.channels.simulate",
            "wechat",
            "--url",
            base,
            "--encrypt",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **WECHAT_ENV, "NO_PROXY": "127.0.0.1"},
        )
        out, err = await asyncio.wait_for(proc.communicate("你好\n!subscribe\n".encode()), 30)
    text = out.decode()
    assert proc.returncode == 0, err.decode()
    assert "你说:你好" in text and "欢迎!" in text


def test_print_env_gives_the_server_the_same_settings(capsys, monkeypatch):
    for name in DEFAULTS["wecom"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WECOM_TOKEN", "mine")
    assert main(["wecom", "--print-env", "--api-port", "8999"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "export WECOM_TOKEN=mine" in lines
    assert f"export WECOM_ENCODING_AES_KEY={DEFAULTS['wecom']['WECOM_ENCODING_AES_KEY']}" in lines
    assert "export WECOM_API_BASE_URL=http://127.0.0.1:8999/cgi-bin/" in lines


async def test_stand_in_api_prints_late_replies():
    """With --api-port the simulator also receives what goes out as customer-service messages."""
    with socket.socket() as s:  # a free port for the simulator's stand-in API
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    channel = wechat_channel(f"http://127.0.0.1:{port}/cgi-bin/")
    async with serve(channel, ScriptedBot(greet_or_echo, delay_s=0.8)) as url:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.channels.simulate",
            "wechat",
            "--url",
            url.rsplit("/webhooks/", 1)[0],
            "--api-port",
            str(port),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **WECHAT_ENV, "NO_PROXY": "127.0.0.1"},
        )
        proc.stdin.write("慢一点\n".encode())
        await proc.stdin.drain()
        seen = b""
        deadline = time.monotonic() + 10
        while "你说:慢一点".encode() not in seen and time.monotonic() < deadline:
            chunk = await asyncio.wait_for(proc.stdout.read(4096), 10)  # late reply via the API
            if not chunk:
                break
            seen += chunk
        proc.stdin.close()
        out, err = await asyncio.wait_for(proc.communicate(), 30)
        out = seen + out
    text = out.decode()
    assert "[无被动回复" in text, err.decode()
    assert "[客服消息 → simulator-user]\n你说:慢一点" in text
