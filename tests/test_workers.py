"""Sanic workers each listen on their own SO_REUSEPORT socket (bot.workers)."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time
from contextlib import ExitStack
from http.client import HTTPConnection
from pathlib import Path

import pytest

from bot import workers
from scripts.stack import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_the_parents_socket_holds_the_port_but_takes_no_connections() -> None:
    with workers.reserve_port("127.0.0.1", 0) as reserved:
        port = reserved.getsockname()[1]
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2)
        with socket.socket() as plain, pytest.raises(OSError):
            plain.bind(("127.0.0.1", port))  # no other program can take it meanwhile


def test_workers_listen_together_on_the_reserved_port() -> None:
    with ExitStack() as stack:
        reserved = stack.enter_context(workers.reserve_port("127.0.0.1", 0))
        port = reserved.getsockname()[1]
        for _ in range(2):
            own = stack.enter_context(socket.socket())
            own.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            own.bind(("127.0.0.1", port))
            own.listen()
        stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=2))


def test_a_worker_drops_the_shared_socket_for_its_own(monkeypatch) -> None:
    served = {}
    monkeypatch.setattr(workers, "_ORIGINAL_SERVE", lambda **settings: served.update(settings))
    shared = workers.reserve_port("127.0.0.1", 0)
    port = shared.getsockname()[1]
    workers.serve_own_socket(sock=shared, host=None, port=None, run_multiple=True, app="app")
    assert served == {
        "sock": None, "host": "127.0.0.1", "port": port, "reuse_port": True,
        "run_multiple": True, "app": "app",
    }  # fmt: skip
    assert shared.fileno() == -1


def test_one_worker_keeps_sanics_socket(monkeypatch) -> None:
    served = {}
    monkeypatch.setattr(workers, "_ORIGINAL_SERVE", lambda **settings: served.update(settings))
    with socket.socket() as shared:
        workers.serve_own_socket(sock=shared, host=None, port=None, run_multiple=False)
        assert served["sock"] is shared and shared.fileno() != -1


SERVER = textwrap.dedent(
    """
    import os, sys, time
    from bot import workers
    workers.apply()
    from sanic import Sanic, response
    app = Sanic("pid")
    @app.get("/")
    async def pid(request):
        return response.text(str(os.getpid()))
    @app.get("/busy")
    async def busy(request):  # a worker deep in one reply: its event loop accepts nothing
        time.sleep(2)
        return response.text(str(os.getpid()))
    app.run(host="127.0.0.1", port=int(sys.argv[1]), workers=2, access_log=False)
    """
)


def _pid_over(conn: HTTPConnection, path: str = "/") -> str:
    conn.request("GET", path)
    return conn.getresponse().read().decode()


def test_clients_connecting_together_reach_both_workers() -> None:
    """Sanic's one shared socket let the worker that was free accept them all.

    While one worker is busy with a reply, 32 users connect. On the shared socket
    the idle worker accepted every one of them and keep-alive kept them there;
    with a queue per worker the kernel leaves about half for the busy one.
    """
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        pids = set()
        while len(pids) < 2 and time.monotonic() < deadline:  # both workers up
            try:
                pids.add(_pid_over(HTTPConnection("127.0.0.1", port, timeout=2)))
            except OSError:
                time.sleep(0.2)
        assert len(pids) == 2, "both workers answer"
        busy = HTTPConnection("127.0.0.1", port, timeout=10)
        busy.request("GET", "/busy")
        time.sleep(0.5)  # one worker is now inside the slow reply
        conns = [HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(32)]
        for conn in conns:  # 32 keep-alive clients, all connected before any asks
            conn.connect()
        time.sleep(0.5)  # the free worker accepts whatever it is offered meanwhile
        served_by = {_pid_over(conn) for conn in conns}
        busy_pid = busy.getresponse().read().decode()
        for conn in [busy, *conns]:
            conn.close()
        assert busy_pid in served_by and len(served_by) == 2
    finally:
        server.terminate()
        server.wait(timeout=30)
