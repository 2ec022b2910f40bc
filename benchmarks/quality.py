"""Answer quality on the evaluation sets: the assistant against a BM25 search baseline.

accuracy:  every expected value is present in the answer;
precision: no value from a different cell, role or source (the question's `forbid`) is.
The baseline ranks the sentences of the same normalized documents with BM25 over
jieba tokens and answers with its top sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List

import jieba
import yaml
from rank_bm25 import BM25Okapi

from bot.knowledge.normalize import normalize_document
from bot.knowledge.sources import SOURCES_DIR, read_sources
from bot.knowledge.structure import sentences
from bot.text import normalize_text

QUESTIONS = Path(__file__).with_name("questions.yml")
# Written blind from the documents, oldest first; their blind first-run scores are in RESULTS.md's
# log (each set's misses have informed changes since, so its later scores flatter).
HELDOUT_SETS = [Path(__file__).with_name(f"questions_heldout{n}.yml") for n in ("", *range(2, 36))]
EVALUATION_SETS = [QUESTIONS, *HELDOUT_SETS]


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    expect: List[str]
    forbid: List[str]


@dataclass
class Score:
    accuracy: float
    precision: float
    misses: List[str]


def load_questions(path: Path = QUESTIONS) -> List[Question]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return [Question(q["id"], q["question"], q["expect"], q.get("forbid", [])) for q in raw]


def score(questions: List[Question], answer: Callable[[str], str]) -> Score:
    correct = precise = 0
    misses = []
    for q in questions:
        reply = normalize_text(answer(q.text))
        ok = all(e in reply for e in q.expect)
        clean = not any(f in reply for f in q.forbid)
        correct += ok
        precise += clean
        if not (ok and clean):
            misses.append(q.id)
    n = len(questions)
    return Score(correct / n, precise / n, misses)


class Bm25Baseline:
    """Plain search over the same documents: the best-matching sentence is the answer."""

    def __init__(self, sources_dir: Path = SOURCES_DIR):
        documents, _ = read_sources(sources_dir)
        self.sentences: List[str] = [
            sentence
            for doc in documents
            for line in normalize_document(doc.text).split("\n")
            if line.strip()
            for _, sentence in sentences(line)
        ]
        self.bm25 = BM25Okapi([self._tokens(s) for s in self.sentences])

    @staticmethod
    def _tokens(text: str) -> List[str]:
        return [t for t in jieba.lcut(normalize_text(text)) if t.strip()]

    def answer(self, question: str) -> str:
        scores = self.bm25.get_scores(self._tokens(question))
        best = max(range(len(scores)), key=scores.__getitem__)
        return self.sentences[best]
