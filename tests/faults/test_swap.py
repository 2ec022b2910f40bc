"""A rebuild swaps the fact store while the action server is answering.

Store A is the seed build; store B is built from a copy of the sources with one salary
figure and the document's title changed, so every reply says which store it came from.
While many requests hit the action server's /webhook, the KNOWLEDGE_DB path is replaced
again and again with A or B: by fresh copies (what a rebuild does) and by hard links to
the same two files (a rollback: the old file, same inode and mtime, comes back). Every
reply must be entirely A's or entirely B's, and once swapping stops the next reply must
come from the file that is actually there.
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest

from bot.knowledge.sources import SOURCES_DIR
from tests.conftest import Built, build_into
from tests.faults.conftest import ActionServer, action_server, post_action, salary_call

pytestmark = pytest.mark.e2e

TITLE_A = "客服主管职业发展前景深度分析:就业现状、趋势展望与成长路径"
TITLE_B = "客服主管前景分析修订版"
MARKS = {
    "A": ("18000-30000元/月", f"《{TITLE_A}》", 30000, TITLE_A),
    "B": ("18000-31000元/月", f"《{TITLE_B}》", 31000, TITLE_B),
}
ROUNDS = 6
ROUND_S = 1.5
CLIENTS = 8


@pytest.fixture(scope="module")
def store_b(tmp_path_factory) -> Built:
    sources = tmp_path_factory.mktemp("sources-b") / "sources"
    shutil.copytree(SOURCES_DIR, sources)
    doc = sources / "000_af016c7c0dceda94.txt"
    text = doc.read_text(encoding="utf-8")
    assert text.count("18000-30000") == 1
    doc.write_text(text.replace("18000-30000", "18000-31000"), encoding="utf-8")
    manifest = sources / "sources.yml"
    yml = manifest.read_text(encoding="utf-8")
    assert yml.count(f"title: {TITLE_A}") == 1
    manifest.write_text(yml.replace(f"title: {TITLE_A}", f"title: {TITLE_B}"), encoding="utf-8")
    return build_into(tmp_path_factory.mktemp("store-b"), sources)


@pytest.fixture(scope="module")
def server(seeds, tmp_path_factory) -> Iterator[Tuple[ActionServer, Path]]:
    workdir = tmp_path_factory.mktemp("swap")
    store = workdir / "knowledge.db"
    shutil.copyfile(seeds.store, store)
    with action_server(workdir, store) as running:
        yield running, store


def which(response: Dict) -> str:
    """ "A" or "B" when text and payload agree on one store; otherwise a description of the mix."""
    texts = "\n".join(r.get("text") or "" for r in response["responses"])
    payload = next(r["custom"] for r in response["responses"] if r.get("custom"))
    own = [
        r for r in payload["ranges"] if r["source_id"] == "kefu-zhuguan-outlook"
    ]  # the changed document's rows
    seen = set()
    for name, (figure, cited, high, title) in MARKS.items():
        if figure in texts:
            seen.add(f"{name}:figure")
        if cited in texts:
            seen.add(f"{name}:title")
        if any(r["high"] == high and r["tier"] == "一线" and r["band"] == "资深" for r in own):
            seen.add(f"{name}:payload-figure")
        if own and all(r["source_title"] == title for r in own):
            seen.add(f"{name}:payload-title")
    for name in MARKS:
        if seen == {
            f"{name}:{part}" for part in ("figure", "title", "payload-figure", "payload-title")
        }:
            return name
    return f"mixed {sorted(seen)}"


def test_the_two_stores_differ(seeds, store_b: Built) -> None:
    a = seeds.kb.salaries("客服主管", "一线", "资深")
    b = store_b.kb.salaries("客服主管", "一线", "资深")
    assert {s.high for s in a} - {s.high for s in b} == {30000}
    assert store_b.kb.source("kefu-zhuguan-outlook").title == TITLE_B


def test_every_reply_comes_from_one_store(server, seeds, store_b: Built) -> None:
    running, store = server
    files = {"A": seeds.store, "B": store_b.store}
    rng = random.Random(7)
    counts: Dict[str, int] = {"A": 0, "B": 0}
    bad: List[str] = []
    swaps = requests = 0
    lock = threading.Lock()
    serial = itertools.count()

    def client(stop: threading.Event) -> None:
        nonlocal requests
        while not stop.is_set():
            got = which(post_action(running.url, salary_call(f"swap-{next(serial)}")))
            with lock:
                requests += 1
                if got in counts:
                    counts[got] += 1
                else:
                    bad.append(got)

    for round_ in range(ROUNDS):
        hard_links = round_ % 2 == 1
        stop = threading.Event()
        with ThreadPoolExecutor(CLIENTS) as pool:
            clients = [pool.submit(client, stop) for _ in range(CLIENTS)]
            deadline = time.monotonic() + ROUND_S
            current = "A"
            while time.monotonic() < deadline:
                current = rng.choice("AB")
                incoming = store.with_name(f"incoming-{swaps}.db")
                if hard_links:
                    os.link(files[current], incoming)
                else:
                    shutil.copyfile(files[current], incoming)
                os.replace(incoming, store)
                swaps += 1
                time.sleep(rng.uniform(0, 0.03))
            stop.set()
            for finished in clients:
                finished.result()  # a client's exception fails the test
        settled = which(post_action(running.url, salary_call("settled")))
        assert settled == current, f"round {round_}: file is {current}, reply is {settled}"

    print(f"\n{swaps} swaps, {requests} requests, A={counts['A']} B={counts['B']}")
    assert not bad, bad[:5]
    assert counts["A"] and counts["B"]


def test_a_store_replaced_while_it_is_read_is_not_cached_as_the_old_one(
    seeds, store_b: Built, tmp_path: Path, monkeypatch
) -> None:
    """The rebuild lands between the stat and the read, then the old file comes back.

    Same inode and mtime as before (a `mv` of a backup, a symlink flip, a hard link),
    so a cache keyed on the stat taken *before* reading would keep serving B for A.
    """
    from actions import knowledge as action_kb
    from bot.knowledge import KnowledgeBase

    store = tmp_path / "knowledge.db"

    def put(source: Path) -> None:
        incoming = tmp_path / "incoming.db"
        os.link(source, incoming)
        os.replace(incoming, store)

    put(seeds.store)
    monkeypatch.setenv("KNOWLEDGE_DB", str(store))
    monkeypatch.setattr(action_kb, "_cache", None)
    real_open = KnowledgeBase.open
    swapped: List[bool] = []

    def racing_open(path: Path | None = None) -> KnowledgeBase:
        if not swapped:
            swapped.append(True)
            put(store_b.store)
        return real_open(path)

    monkeypatch.setattr(KnowledgeBase, "open", racing_open)
    assert action_kb.knowledge().source("kefu-zhuguan-outlook").title in (TITLE_A, TITLE_B)
    put(seeds.store)  # roll back to the very same file
    assert action_kb.knowledge().source("kefu-zhuguan-outlook").title == TITLE_A
    put(store_b.store)
    assert action_kb.knowledge().source("kefu-zhuguan-outlook").title == TITLE_B
