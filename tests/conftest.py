"""Shared fixtures: a knowledge base built from the real seed documents, once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase
from bot.knowledge.build import BuildReport, build
from bot.knowledge.paths import ArtefactPaths
from bot.knowledge.sources import SOURCES_DIR


@dataclass
class Built:
    report: BuildReport
    kb: KnowledgeBase
    store: Path
    artefacts: ArtefactPaths


def build_into(directory: Path, sources: Path = SOURCES_DIR) -> Built:
    """Build `sources` into a private store and artefact set under `directory`."""
    store = directory / "knowledge.db"
    artefacts = ArtefactPaths.under(directory)
    report = build(sources, store, artefacts)
    kb = KnowledgeBase.open(store) if store.exists() else None
    return Built(report, kb, store, artefacts)


@pytest.fixture(scope="session")
def seeds(tmp_path_factory) -> Built:
    return build_into(tmp_path_factory.mktemp("seeds"))


@pytest.fixture(scope="session")
def kb(seeds: Built) -> KnowledgeBase:
    return seeds.kb
