"""Where the knowledge base reads and writes, overridable for tests and deployments."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STORE = PROJECT_ROOT / "build" / "knowledge.db"


def store_path() -> Path:
    """The fact store: $KNOWLEDGE_DB if set, else build/knowledge.db."""
    return Path(os.environ.get("KNOWLEDGE_DB") or DEFAULT_STORE)


@dataclass(frozen=True)
class ArtefactPaths:
    """Generated NLU inputs: jieba's user-dictionary directory, Rasa lookup/synonym data and
    the homophone table for typo repair."""

    jieba_dir: Path = PROJECT_ROOT / "build" / "jieba"
    nlu_file: Path = PROJECT_ROOT / "data" / "nlu" / "lexicon.generated.yml"
    homophones_file: Path = PROJECT_ROOT / "build" / "homophones.json"

    @classmethod
    def under(cls, directory: Path) -> ArtefactPaths:
        """All of them in one scratch directory, for tests and benchmarks."""
        return cls(
            jieba_dir=directory / "jieba",
            nlu_file=directory / "lexicon.generated.yml",
            homophones_file=directory / "homophones.json",
        )
