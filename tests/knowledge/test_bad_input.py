"""Unusable sources are named and skipped; a failed build never leaves a partial store."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.knowledge import Fact, KnowledgeBase, StoreError
from bot.knowledge.sources import SOURCES_DIR
from bot.knowledge.store import write_store
from tests.conftest import build_into


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    target = tmp_path / "sources"
    shutil.copytree(SOURCES_DIR, target)
    return target


def test_bad_files_are_named_and_the_rest_build(sources: Path, tmp_path: Path):
    (sources / "latin1.txt").write_bytes("客服工资".encode("gbk"))
    (sources / "empty.txt").write_bytes(b"")
    (sources / "blob.txt").write_bytes(bytes(range(256)))
    (sources / "notes.docx").write_bytes(b"PK\x03\x04")

    built = build_into(tmp_path / "out", sources)

    errors = "\n".join(built.report.errors)
    assert "latin1.txt" in errors and "UTF-8" in errors
    assert "empty.txt" in errors and "empty" in errors
    assert "blob.txt" in errors and "binary" in errors
    assert "notes.docx" in errors
    assert len(built.kb.sources()) == 5


def test_unparseable_amount_is_a_warning_not_a_crash(sources: Path, tmp_path: Path):
    (sources / "odd.txt").write_text(
        "客服专员薪资说明\n薪资:月薪12000-8000元,另有补贴\n", encoding="utf-8"
    )
    built = build_into(tmp_path / "out", sources)
    assert any("odd.txt" in w for w in built.report.warnings)
    assert "odd" in {s.id for s in built.kb.sources()}


def test_a_write_failing_midway_leaves_the_old_store_and_no_temp_file(
    sources: Path, tmp_path: Path
):
    out = tmp_path / "out"
    first = build_into(out, sources)
    before = first.store.read_bytes()
    good = first.kb.facts(None, "skills")[0]
    bad = Fact("skills", None, "x", good.provenance, attrs={"unserializable": object()})
    source = first.kb.sources()[0]

    with pytest.raises(TypeError):
        write_store(first.store, [(source, "text")], [good, bad], [], {})

    assert first.store.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [
        "homophones.json",
        "jieba",
        "knowledge.db",
        "lexicon.generated.yml",
    ]


def test_no_readable_source_keeps_the_store(tmp_path: Path):
    empty = tmp_path / "sources"
    empty.mkdir()
    (empty / "x.txt").write_bytes(b"")
    built = build_into(tmp_path / "out", empty)
    assert not built.report.ok
    assert not built.store.exists()


def test_corrupt_or_missing_store_is_reported_clearly(tmp_path: Path):
    with pytest.raises(StoreError, match="does not exist"):
        KnowledgeBase.open(tmp_path / "missing.db")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="unreadable"):
        KnowledgeBase.open(garbage)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(StoreError):
        KnowledgeBase.open(other)
