"""Each Sanic worker listens on a socket of its own, so the kernel spreads connections.

Sanic 21.12 forks its workers onto one listening socket bound by the parent.
asyncio's accept loop takes every waiting connection (up to the backlog) on
whichever worker wakes first, so when clients connect together, as 32 users
do at the start of a shift, they can all land on one worker, and keep-alive
keeps them there while the other worker idles: py-spy found one of two
workers 76% idle at 32 users (benchmarks/RESULTS.md, eighth round).

With SO_REUSEPORT each worker has its own accept queue and Linux hashes every
new connection to one of them. The parent still binds the port first, so a
port in use fails before any worker starts, but it never listens: a bound
socket that does not listen receives no connections. One worker is unchanged.
"""

from __future__ import annotations

import socket
from ipaddress import ip_address
from typing import Any

from sanic.server import runners

_ORIGINAL_BIND = runners.bind_socket
_ORIGINAL_SERVE = runners.serve


def reserve_port(host: str, port: int, *, backlog: int = 100) -> socket.socket:
    """The parent's socket: it holds the address for the workers' group but never listens."""
    try:
        family = socket.AF_INET6 if ip_address(host).version == 6 else socket.AF_INET
    except ValueError:  # a host name: Sanic binds those as IPv4 too
        family = socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve_own_socket(**settings: Any) -> Any:
    """A worker: drop the parent's socket and listen on its own address-sharing one."""
    shared = settings.get("sock")
    if settings.get("run_multiple") and shared is not None and shared.family != socket.AF_UNIX:
        host, port = shared.getsockname()[:2]
        shared.close()
        settings.update(sock=None, host=host, port=port, reuse_port=True)
    return _ORIGINAL_SERVE(**settings)


def apply() -> None:
    runners.bind_socket = reserve_port
    runners.serve = serve_own_socket
