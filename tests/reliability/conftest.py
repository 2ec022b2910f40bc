"""The guarded REST channel in a real sanic server on 127.0.0.1, with a scripted bot."""

from __future__ import annotations

import itertools
import socket
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any, AsyncIterator

import aiohttp
import pytest
from rasa.core.channels.channel import register
from sanic import Sanic

_APP_IDS = itertools.count()


@asynccontextmanager
async def serve_rest(channel: Any, on_new_message: Any) -> AsyncIterator[str]:
    """Mount `channel` as `rasa run` does; yields the webhook URL."""
    previous, Sanic.test_mode = Sanic.test_mode, True
    try:
        app = Sanic(f"reliability_test_{next(_APP_IDS)}")
        app.config.ACCESS_LOG = False
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
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/{channel.name()}/webhook"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=20), trust_env=False
    ) as session:
        yield session
