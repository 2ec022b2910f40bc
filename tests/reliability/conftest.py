"""The guarded REST channel in a real sanic server on 127.0.0.1, with a scripted bot."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import aiohttp
import pytest

from tests.channels.conftest import serve


@asynccontextmanager
async def serve_rest(channel: Any, on_new_message: Any) -> AsyncIterator[str]:
    """Mount `channel` as `rasa run` does; yields the webhook URL."""
    async with serve(channel, on_new_message) as base:
        yield f"{base}/webhook"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=20), trust_env=False
    ) as session:
        yield session
