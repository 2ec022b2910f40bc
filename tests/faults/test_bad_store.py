"""A missing or corrupt fact store: the action server says so, stays up, and recovers.

One action server for the module; its KNOWLEDGE_DB is a temp path the tests break and
repair underneath it, as an operator or a failed deployment would.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest

from bot import render
from tests.faults.conftest import ActionServer, action_server, post_action, reply_text, salary_call

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bad-store") / "knowledge.db"


@pytest.fixture(scope="module")
def server(seeds, store: Path, tmp_path_factory) -> Iterator[ActionServer]:
    """Starts with no store at all: start-up itself must survive that."""
    with action_server(tmp_path_factory.mktemp("bad-store-server"), store) as running:
        yield running


def put_good(seeds, store: Path) -> None:
    """A good store appears the way a rebuild writes it: a complete file renamed into place."""
    tmp = store.with_suffix(".incoming")
    shutil.copyfile(seeds.store, tmp)
    os.replace(tmp, store)


def garbage(store: Path) -> None:
    store.write_bytes(b"\x00\xffnot a database\x13\x37" * 512)


def no_tables(store: Path) -> None:
    store.unlink(missing_ok=True)
    con = sqlite3.connect(store)
    con.execute("CREATE TABLE unrelated (x TEXT)")
    con.commit()
    con.close()


def missing(store: Path) -> None:
    store.unlink(missing_ok=True)


def healthy(server: ActionServer) -> bool:
    with urllib.request.urlopen(f"{server.url}/health", timeout=5) as response:
        return response.status == 200


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [
        (missing, "does not exist"),
        (garbage, "file is not a database"),
        (no_tables, "no such table"),
    ],
    ids=["missing", "garbage", "no-tables"],
)
def test_bad_store_is_reported_and_recovered_from(
    server: ActionServer, seeds, store: Path, breakage: Callable[[Path], None], reason: str
) -> None:
    breakage(store)
    logged = server.log.stat().st_size
    reply = reply_text(post_action(server.url, salary_call()))
    assert reply == render.NOT_AVAILABLE
    assert healthy(server)
    new_lines = server.log.read_bytes()[logged:].decode("utf-8", "replace")
    assert any(
        "knowledge base unavailable" in line and str(store) in line and reason in line
        for line in new_lines.splitlines()
    ), new_lines

    put_good(seeds, store)
    assert "18000-30000元/月" in reply_text(post_action(server.url, salary_call()))
    assert healthy(server)


def test_start_up_without_a_store_is_logged(server: ActionServer, store: Path) -> None:
    """The first lines of the log, written before any request, name the missing store."""
    head = server.log.read_text(encoding="utf-8", errors="replace")
    start_up = head.split("Action endpoint is up and running")[0]
    assert f"fact store {store} does not exist" in start_up
