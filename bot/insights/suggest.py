"""The nearest training intent for a group of questions, for a human to confirm.

Reads the NLU examples in data/nlu/*.yml (annotations like [客服主管](role) reduced
to their text) and compares by character n-gram TF-IDF, like the clustering but on the
whole question, since here the topic words (工资, 证书) are what matter. Below
MIN_SIMILARITY nothing is close, and out_of_scope is suggested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Sequence, Tuple

import numpy as np
import yaml

from bot.insights.cluster import normalize_question
from bot.knowledge.paths import PROJECT_ROOT

NLU_DIR = PROJECT_ROOT / "data" / "nlu"
MIN_SIMILARITY = 0.2
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Suggestion:
    intent: str
    similarity: float


def training_examples(nlu_dir: Path = NLU_DIR) -> List[Tuple[str, str]]:
    """(intent, plain text) for every example in the NLU files."""
    pairs: List[Tuple[str, str]] = []
    for path in sorted(nlu_dir.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in document.get("nlu") or []:
            if not isinstance(item, dict) or "intent" not in item:
                continue
            for line in str(item.get("examples") or "").splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    pairs.append((str(item["intent"]), ANNOTATION.sub(r"\1", text)))
    return pairs


class IntentSuggester:
    def __init__(self, examples: Sequence[Tuple[str, str]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        ordered = sorted(examples)  # grouped by intent, for one max per intent below
        names = [intent for intent, _ in ordered]
        self.intents = list(dict.fromkeys(names))
        self.starts = np.array([names.index(i) for i in self.intents], dtype=int)
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3))
        self.matrix = self.vectorizer.fit_transform(
            [normalize_question(text) for _, text in ordered]
        )

    def suggest(self, texts: Sequence[str]) -> Suggestion:
        """The intent whose nearest example is, on average over `texts`, the most similar."""
        from sklearn.metrics.pairwise import cosine_similarity

        if not self.intents or not texts:
            return Suggestion("out_of_scope", 0.0)
        similarity = cosine_similarity(
            self.vectorizer.transform([normalize_question(t) for t in texts]), self.matrix
        )
        nearest = np.maximum.reduceat(similarity, self.starts, axis=1).mean(axis=0)
        best = int(np.argmax(nearest))
        score = round(float(nearest[best]), 2)
        if score < MIN_SIMILARITY:
            return Suggestion("out_of_scope", score)
        return Suggestion(self.intents[best], score)
