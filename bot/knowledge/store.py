"""The SQLite fact store: written atomically, read into memory.

A build writes a temporary file next to the target and renames it over the
old one, so readers see either the old store or the new one, never a half.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

from bot.knowledge.models import Fact, Provenance, Salary, Source

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, path TEXT NOT NULL, script TEXT NOT NULL,
    publisher TEXT, date TEXT, text TEXT NOT NULL
);
CREATE TABLE facts (
    id INTEGER PRIMARY KEY, source_id TEXT NOT NULL REFERENCES sources(id),
    topic TEXT NOT NULL, role TEXT, value TEXT NOT NULL, detail TEXT, attrs TEXT NOT NULL,
    section TEXT NOT NULL, quote TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE TABLE salaries (
    id INTEGER PRIMARY KEY, source_id TEXT NOT NULL REFERENCES sources(id),
    role TEXT NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL, stated TEXT NOT NULL,
    unit TEXT NOT NULL,
    period TEXT NOT NULL, period_stated INTEGER NOT NULL, tier TEXT, band TEXT, label TEXT,
    qualifiers TEXT NOT NULL, year INTEGER,
    section TEXT NOT NULL, quote TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE INDEX facts_role_topic ON facts(role, topic);
CREATE INDEX salaries_role ON salaries(role);
"""


class StoreError(Exception):
    """The fact store is missing, unreadable or from another schema."""


def write_store(
    path: Path,
    sources: Iterable[Tuple[Source, str]],
    facts: Iterable[Fact],
    salaries: Iterable[Salary],
    meta: Dict[str, str],
) -> None:
    """Write the whole store to a temporary file, then atomically replace `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.executescript(SCHEMA)
            con.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("schema_version", str(SCHEMA_VERSION)), *meta.items()],
            )
            con.executemany(
                "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (s.id, s.title, s.path, s.script, s.publisher, s.date, text)
                    for s, text in sources
                ],
            )
            con.executemany(
                "INSERT INTO facts (source_id, topic, role, value, detail, attrs, section, quote,"
                ' start, "end") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                [
                    (
                        f.provenance.source_id,
                        f.topic,
                        f.role,
                        f.value,
                        f.detail,
                        json.dumps(dict(f.attrs), ensure_ascii=False),
                        *_prov(f.provenance),
                    )
                    for f in facts
                ],
            )
            con.executemany(
                "INSERT INTO salaries (source_id, role, low, high, stated, unit, period,"
                ' period_stated, tier, band, label, qualifiers, year, section, quote, start, "end")'
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        s.provenance.source_id,
                        s.role,
                        s.low,
                        s.high,
                        s.stated,
                        s.unit,
                        s.period,
                        int(s.period_stated),
                        s.tier,
                        s.band,
                        s.label,
                        json.dumps(list(s.qualifiers), ensure_ascii=False),
                        s.year,
                        *_prov(s.provenance),
                    )
                    for s in salaries
                ],
            )
            con.commit()
        finally:
            con.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prov(p: Provenance) -> tuple:
    return (p.section, p.quote, p.start, p.end)


@dataclass(frozen=True)
class StoreContents:
    sources: List[Source]
    texts: Dict[str, str]  # source id -> normalized text that spans point into
    meta: Dict[str, str]
    facts: List[Fact]
    salaries: List[Salary]


def read_store(path: Path) -> StoreContents:
    """Everything in the store; StoreError if it is missing, corrupt or incompatible."""
    if not path.is_file():
        raise StoreError(f"fact store {path} does not exist: run `python -m bot.knowledge build`")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return _read(con)
        finally:
            con.close()
    except (sqlite3.DatabaseError, KeyError, ValueError) as err:
        raise StoreError(f"fact store {path} is unreadable ({err}): rebuild it") from None


def _read(con: sqlite3.Connection) -> StoreContents:
    meta = dict(con.execute("SELECT key, value FROM meta"))
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        raise ValueError(f"schema {meta.get('schema_version')} != {SCHEMA_VERSION}")
    sources, texts = [], {}
    for row in con.execute("SELECT id, title, path, script, publisher, date, text FROM sources"):
        sources.append(Source(*row[:6]))
        texts[row[0]] = row[6]
    facts = [
        Fact(
            topic,
            role,
            value,
            Provenance(src, section, quote, start, end),
            detail,
            json.loads(attrs),
        )
        for src, topic, role, value, detail, attrs, section, quote, start, end in con.execute(
            'SELECT source_id, topic, role, value, detail, attrs, section, quote, start, "end"'
            " FROM facts ORDER BY id"
        )
    ]
    salaries = [
        Salary(
            role=r[1],
            low=r[2],
            high=r[3],
            stated=r[4],
            unit=r[5],
            period=r[6],
            period_stated=bool(r[7]),
            tier=r[8],
            band=r[9],
            label=r[10],
            qualifiers=tuple(json.loads(r[11])),
            year=r[12],
            provenance=Provenance(r[0], r[13], r[14], r[15], r[16]),
        )
        for r in con.execute(
            "SELECT source_id, role, low, high, stated, unit, period, period_stated, tier, band,"
            ' label, qualifiers, year, section, quote, start, "end" FROM salaries ORDER BY id'
        )
    ]
    return StoreContents(sources, texts, meta, facts, salaries)
