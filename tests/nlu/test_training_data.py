"""NLU data quality: annotations agree with the runtime extractor, and the held-out set is held out.

Entities come from the generated lexicon through RegexEntityExtractor, so an
annotation the extractor would not produce (or a missed one) is a data bug
that would both mistrain and mis-score the model.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import List

import pytest
from rasa.nlu.extractors.regex_entity_extractor import RegexEntityExtractor
from rasa.nlu.utils.pattern_utils import extract_patterns
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.normalizer import TextNormalizer
from bot.query import INTENT_TOPICS

ROOT = Path(__file__).resolve().parents[2]
TRAINING_FILES = sorted(
    p for p in (ROOT / "data" / "nlu").glob("*.yml") if "generated" not in p.name
)
HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"
QUESTION_INTENTS = [*INTENT_TOPICS, "compare_roles", "ask_source"]


def examples(path: Path) -> List[Message]:
    return [m for m in RasaYAMLReader().read(path).training_examples if m.get(INTENT)]


@pytest.fixture(scope="module")
def extractor(seeds) -> RegexEntityExtractor:
    lexicon = RasaYAMLReader().read(seeds.artefacts.nlu_file)
    patterns = extract_patterns(
        lexicon,
        use_lookup_tables=True,
        use_regexes=True,
        use_only_entities=False,
        use_word_boundaries=False,
    )
    return RegexEntityExtractor({"use_word_boundaries": False}, None, None, patterns)


def _spans(text: str, spans) -> List[str]:
    return sorted(f"{text[s:e]}({name})" for s, e, name in spans)


def mismatches(extractor: RegexEntityExtractor, path: Path) -> List[str]:
    problems = []
    normalizer = TextNormalizer()
    for message in examples(path):
        gold = {(e["start"], e["end"], e["entity"]) for e in message.get(ENTITIES, [])}
        probe = Message({TEXT: message.get(TEXT)})
        normalizer.process([probe])
        extractor.process([probe])
        found = {(e["start"], e["end"], e["entity"]) for e in probe.get(ENTITIES, [])}
        if gold != found:
            text = message.get(TEXT)
            problems.append(
                f"{text!r}: annotated {_spans(text, gold)} but extracted {_spans(text, found)}"
            )
    return problems


@pytest.mark.parametrize("path", [*TRAINING_FILES, HOLDOUT], ids=lambda p: p.name)
def test_annotations_match_the_deterministic_extractor(extractor, path):
    problems = mismatches(extractor, path)
    assert not problems, "\n".join(problems)


def test_each_question_intent_has_25_examples():
    counts = Counter(m.get(INTENT) for path in TRAINING_FILES for m in examples(path))
    short = {i: counts[i] for i in QUESTION_INTENTS if counts[i] < 25}
    assert not short


def test_holdout_is_large_and_disjoint_from_training():
    def key(m: Message) -> str:
        return "".join(ch for ch in m.get(TEXT) if ch.isalnum())

    held = examples(HOLDOUT)
    assert len(held) >= 200
    trained = {key(m) for path in TRAINING_FILES for m in examples(path)}
    overlap = [m.get(TEXT) for m in held if key(m) in trained]
    assert not overlap, overlap
