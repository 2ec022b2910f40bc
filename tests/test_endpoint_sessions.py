"""bot.endpoint_sessions: Rasa's endpoint calls share kept connections, and lose nothing by it."""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, List

import aiohttp
import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from bot import endpoint_sessions


class Seen:
    def __init__(self) -> None:
        self.ports: List[int] = []
        self.auth: List[str | None] = []
        self.tokens: List[str | None] = []


@pytest.fixture
async def action_server() -> AsyncIterator[tuple]:
    """A stand-in action server that records each call's client port and headers."""
    seen = Seen()

    async def webhook(request: web.Request) -> web.Response:
        seen.ports.append(request.transport.get_extra_info("peername")[1])
        seen.auth.append(request.headers.get("Authorization"))
        seen.tokens.append(request.headers.get("X-Token"))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app, keepalive_timeout=0.3)  # closes idle connections quickly
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/webhook", seen
    await endpoint_sessions.close_sessions()
    await runner.cleanup()


@pytest.fixture
def kept(monkeypatch) -> None:
    monkeypatch.setattr(EndpointConfig, "session", endpoint_sessions.kept_session)


async def test_calls_share_one_connection(action_server, kept) -> None:
    url, seen = action_server
    endpoint = EndpointConfig(url)
    for _ in range(3):
        assert await endpoint.request(json={"next_action": "a"}) == {"events": [], "responses": []}
    assert len(seen.ports) == 3 and len(set(seen.ports)) == 1


async def test_rasas_own_session_opens_one_per_call(action_server) -> None:
    """What the patch is for: without it every call is a new connection."""
    url, seen = action_server
    endpoint = EndpointConfig(url)
    for _ in range(3):
        await endpoint.request(json={})
    assert len(set(seen.ports)) == 3


async def test_an_idle_connection_is_dropped_before_the_server_drops_it(
    action_server, kept, monkeypatch
) -> None:
    monkeypatch.setattr(endpoint_sessions, "IDLE_S", 0.1)
    url, seen = action_server
    endpoint = EndpointConfig(url)
    await endpoint.request(json={})
    await asyncio.sleep(0.6)  # past both idle times: the server has closed its side too
    assert await endpoint.request(json={}) == {"events": [], "responses": []}
    assert len(set(seen.ports)) == 2


async def test_headers_and_credentials_are_the_endpoints(action_server, kept) -> None:
    url, seen = action_server
    plain = EndpointConfig(url)
    secured = EndpointConfig(
        url, headers={"X-Token": "t"}, basic_auth={"username": "u", "password": "p"}
    )
    await plain.request(json={})
    await secured.request(json={})
    await plain.request(json={})
    assert seen.tokens == [None, "t", None]
    assert seen.auth[0] is None and seen.auth[1] == aiohttp.BasicAuth("u", "p").encode()
    assert seen.ports[0] == seen.ports[2] != seen.ports[1]


async def test_stopping_closes_the_kept_sessions(action_server, kept) -> None:
    url, _ = action_server
    endpoint = EndpointConfig(url)
    async with endpoint.session() as session:
        pass
    assert not session.closed  # left open for the next call
    await endpoint_sessions.close_sessions()
    assert session.closed
