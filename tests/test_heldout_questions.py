"""Sanity checks on the held-out answer-quality sets, benchmarks/questions_heldout*.yml.

Each set is written blind from the documents; these checks keep it honest without ever asking
the assistant anything: its wording must be new (against benchmarks/questions.yml, the other
held-out sets and the NLU training data), and every expected value must be what the fact store
(what `python -m bot.knowledge show ROLE TOPIC` prints) really holds for the asked cell. Every
check runs on every held-out set (the `heldout_set` fixture is parametrized over HELDOUT_SETS).
The store is the `kb` fixture (tests/conftest.py): built from the seed documents for the session.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import yaml

from benchmarks.quality import QUESTIONS, Question, load_questions
from bot.knowledge import KnowledgeBase
from bot.knowledge.__main__ import main as cli_main
from bot.knowledge.api import TOPICS
from bot.knowledge.render_cli import format_fact, format_salary
from bot.knowledge.sources import SOURCES_DIR
from bot.text import normalize_text

ROOT = Path(__file__).resolve().parents[1]
# Held-out sets and the id prefix each one's entries carry, oldest first.
HELDOUT_SETS = (
    (ROOT / "benchmarks" / "questions_heldout.yml", "ho-"),
    (ROOT / "benchmarks" / "questions_heldout2.yml", "h2-"),
    (ROOT / "benchmarks" / "questions_heldout3.yml", "h3-"),
    (ROOT / "benchmarks" / "questions_heldout4.yml", "h4-"),
    (ROOT / "benchmarks" / "questions_heldout5.yml", "h5-"),
    (ROOT / "benchmarks" / "questions_heldout6.yml", "h6-"),
    (ROOT / "benchmarks" / "questions_heldout7.yml", "h7-"),
    (ROOT / "benchmarks" / "questions_heldout8.yml", "h8-"),
    (ROOT / "benchmarks" / "questions_heldout9.yml", "h9-"),
    (ROOT / "benchmarks" / "questions_heldout10.yml", "h10-"),
    (ROOT / "benchmarks" / "questions_heldout11.yml", "h11-"),
    (ROOT / "benchmarks" / "questions_heldout12.yml", "h12-"),
    (ROOT / "benchmarks" / "questions_heldout13.yml", "h13-"),
    (ROOT / "benchmarks" / "questions_heldout14.yml", "h14-"),
    (ROOT / "benchmarks" / "questions_heldout15.yml", "h15-"),
    (ROOT / "benchmarks" / "questions_heldout16.yml", "h16-"),
    (ROOT / "benchmarks" / "questions_heldout17.yml", "h17-"),
    (ROOT / "benchmarks" / "questions_heldout18.yml", "h18-"),
    (ROOT / "benchmarks" / "questions_heldout19.yml", "h19-"),
    (ROOT / "benchmarks" / "questions_heldout20.yml", "h20-"),
    (ROOT / "benchmarks" / "questions_heldout21.yml", "h21-"),
    (ROOT / "benchmarks" / "questions_heldout22.yml", "h22-"),
    (ROOT / "benchmarks" / "questions_heldout23.yml", "h23-"),
    (ROOT / "benchmarks" / "questions_heldout24.yml", "h24-"),
    (ROOT / "benchmarks" / "questions_heldout25.yml", "h25-"),
    (ROOT / "benchmarks" / "questions_heldout26.yml", "h26-"),
    (ROOT / "benchmarks" / "questions_heldout27.yml", "h27-"),
    (ROOT / "benchmarks" / "questions_heldout28.yml", "h28-"),
    (ROOT / "benchmarks" / "questions_heldout29.yml", "h29-"),
    (ROOT / "benchmarks" / "questions_heldout30.yml", "h30-"),
    (ROOT / "benchmarks" / "questions_heldout31.yml", "h31-"),
    (ROOT / "benchmarks" / "questions_heldout32.yml", "h32-"),
    (ROOT / "benchmarks" / "questions_heldout33.yml", "h33-"),
    (ROOT / "benchmarks" / "questions_heldout34.yml", "h34-"),
    (ROOT / "benchmarks" / "questions_heldout35.yml", "h35-"),
)
NLU_DIR = ROOT / "data" / "nlu"
MIN_QUESTIONS = 60
# Training examples shorter than this are single words or fragments ("哪些行业", "深圳的呢",
# "上海"), and role/city/tier names are vocabulary: a question containing one is not a copy of
# it. Equality and the question being a substring of an example are checked for every example.
MIN_CONTAINED_EXAMPLE = 5
# difflib ratio on the plain wording at or above which a question counts as a light edit.
MAX_SIMILARITY = 0.7
TIERS = ("一线", "二线", "三线及以下")
BANDS = ("入门", "中级", "资深")

_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_PUNCT = re.compile(r"[\s\W_]+")
# `show` prints career-path years as attributes; answers render them as "3-5年" / "8年以上".
_MIN_YEARS = re.compile(r"'min_years': (\d+), 'max_years': (\d+|None)")


def _plain(text: str) -> str:
    """Simplified, NFKC, without spaces and punctuation: the form wording is compared in."""
    return _PUNCT.sub("", normalize_text(text)).lower()


def _raw_heldout(path: Path) -> List[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def _other_sets(path: Path) -> List[Question]:
    """questions.yml and every held-out set but `path`: what its wording must not copy."""
    others = load_questions(QUESTIONS)
    for other, _prefix in HELDOUT_SETS:
        if other != path:
            others += load_questions(other)
    return others


def _nlu_examples() -> Dict[str, List[str]]:
    """Every `examples:` entry of data/nlu/*.yml, entity annotations removed, by block kind.

    Kinds: "intent" (training utterances) and "vocabulary" (lookup and synonym tables).
    """
    examples: Dict[str, List[str]] = {}
    for path in sorted(NLU_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            kind = "intent" if "intent" in block else "vocabulary"
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- ") and line[2:].strip():
                    examples.setdefault(kind, []).append(_ENTITY.sub(r"\1", line[2:]).strip())
    return examples


def _show(kb: KnowledgeBase, role: str, topic: str) -> str:
    """What `python -m bot.knowledge show ROLE TOPIC` prints, plus rendered career years."""
    items = kb.salaries(role) if topic == "salary" else kb.facts(role, topic)
    lines = []
    for source_id, group in kb.by_source(items).items():
        lines.append(f"来源:《{kb.source(source_id).title}》")
        for item in group:
            lines.append(format_salary(item) if topic == "salary" else format_fact(item))
    text = "\n".join(lines)
    for low, high in _MIN_YEARS.findall(text):
        text += f"\n{low}年以上" if high == "None" else f"\n{low}-{high}年"
    return text


@cache
def _everything(kb: KnowledgeBase) -> str:
    """Every role's every topic: where a forbidden value must come from."""
    return "\n".join(_show(kb, role, topic) for role in kb.roles() for topic in TOPICS)


def _legit_salaries(kb: KnowledgeBase, q: dict) -> str:
    """The ranges a correct answer may give for the asked cell (tier-/band-less ones included)."""
    rows = kb.salaries(q["role"], tier=q.get("tier"), experience=q.get("band"))
    return "\n".join(format_salary(s) for s in rows)


@pytest.fixture(scope="module", params=HELDOUT_SETS, ids=lambda s: s[0].name)
def heldout_set(request) -> Tuple[Path, str]:
    return request.param


@pytest.fixture(scope="module")
def heldout(heldout_set) -> List[Question]:
    return load_questions(heldout_set[0])


@pytest.fixture(scope="module")
def raw(heldout_set) -> List[dict]:
    return _raw_heldout(heldout_set[0])


def test_enough_questions_with_the_held_out_prefix(heldout_set, heldout):
    assert len(heldout) >= MIN_QUESTIONS
    assert all(q.id.startswith(heldout_set[1]) for q in heldout)


def test_ids_are_unique_across_all_sets():
    ids = [q.id for q in load_questions(QUESTIONS)]
    for path, _prefix in HELDOUT_SETS:
        ids += [q.id for q in load_questions(path)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates


def test_wording_is_new(kb, heldout_set, heldout):
    tuned = [_plain(q.text) for q in _other_sets(heldout_set[0])]
    nlu = _nlu_examples()
    examples = [_plain(e) for kind in nlu.values() for e in kind]
    assert len(nlu["intent"]) > 1000  # the parser above really read the training data
    # Role, city and tier names are vocabulary the questions must use, not copied wording.
    vocabulary = {_plain(e) for e in nlu.get("vocabulary", [])}
    vocabulary |= {_plain(w) for w in kb.lexicon.alias_to_role} | set(kb.lexicon.roles)
    for spec in kb.lexicon.tiers.values():
        vocabulary |= {_plain(w) for w in (*spec.get("aliases", []), *spec.get("cities", []))}
    copies = []
    for q in heldout:
        text = _plain(q.text)
        for other in tuned:
            if text == other or text in other or other in text:
                copies.append((q.id, other))
        for example in examples:
            contained = (
                len(example) >= MIN_CONTAINED_EXAMPLE
                and example not in vocabulary
                and example in text
            )
            if text == example or text in example or contained:
                copies.append((q.id, example))
    assert not copies
    texts = [_plain(q.text) for q in heldout]
    assert len(set(texts)) == len(texts)


def test_wording_is_not_a_light_edit(heldout_set, heldout):
    """No question is a near-copy of a tuned or other held-out question or an intent example."""
    nlu = _nlu_examples()
    others = [_plain(q.text) for q in _other_sets(heldout_set[0])]
    others += [_plain(e) for e in nlu["intent"]]
    texts = [(q.id, _plain(q.text)) for q in heldout]
    close = []
    for other in others:
        matcher = SequenceMatcher(None, b=other)  # indexes `other` once for every question
        for qid, text in texts:
            matcher.set_seq1(text)
            # the two quick ratios are upper bounds of ratio(): cheap exact rejections
            if matcher.real_quick_ratio() < MAX_SIMILARITY:
                continue
            if matcher.quick_ratio() < MAX_SIMILARITY:
                continue
            # ratio() depends on the order of its two texts; either order counts
            ratio = max(matcher.ratio(), SequenceMatcher(None, other, text).ratio())
            if ratio >= MAX_SIMILARITY:
                close.append((qid, other, round(ratio, 2)))
    assert not close


def test_expect_and_forbid_are_non_empty_and_disjoint(heldout):
    for q in heldout:
        for values in (q.expect, q.forbid):
            assert values, q.id
            assert all(isinstance(v, str) and v.strip() for v in values), q.id
        assert not set(q.expect) & set(q.forbid), q.id
        # An answer may echo the question: a forbidden value in it would be unfair.
        assert not [f for f in q.forbid if f in normalize_text(q.text)], q.id


def test_every_entry_names_a_known_cell(kb, raw):
    documents = {path.name for path in SOURCES_DIR.glob("*.txt")}
    for q in raw:
        assert q["role"] in kb.roles(), q["id"]
        assert q["topic"] in kb.topics(q["role"]), q["id"]
        assert q.get("tier") in (None, *TIERS), q["id"]
        assert q.get("band") in (None, *BANDS), q["id"]
        named = [name.strip() for name in str(q["source"]).split(",")]
        assert named and set(named) <= documents, q["id"]


def test_every_question_names_its_role_or_an_alias(kb, raw):
    names: Dict[str, List[str]] = {}
    for alias, role in kb.lexicon.alias_to_role.items():
        names.setdefault(role, []).append(alias)
    for q in raw:
        text = normalize_text(q["question"])
        candidates = [q["role"], *names.get(q["role"], [])]
        assert any(name in text for name in candidates), q["id"]


def test_salary_tiers_match_the_city_lists(kb, raw):
    words = {
        tier: [*spec.get("aliases", []), *spec.get("cities", [])]
        for tier, spec in kb.lexicon.tiers.items()
    }
    for q in (q for q in raw if q["topic"] == "salary"):
        text = normalize_text(q["question"])
        named = {tier for tier, ws in words.items() if any(w in text for w in ws)}
        assert named == ({q["tier"]} if q.get("tier") else set()), q["id"]


def test_salary_bands_match_the_wording(kb, raw):
    bands = {b.name: b for b in kb.lexicon.bands}
    for q in (q for q in raw if q["topic"] == "salary"):
        text = normalize_text(q["question"])
        named = {name for name, b in bands.items() if any(w in text for w in (*b.words, *b.levels))}
        if q.get("band"):
            assert named <= {q["band"]}, q["id"]
        else:
            assert not named, q["id"]


def test_every_expected_value_is_in_the_fact_store(kb, raw):
    missing = []
    for q in raw:
        shown = _show(kb, q["role"], q["topic"])
        missing += [(q["id"], e) for e in q["expect"] if e not in shown]
    assert not missing


def test_expected_salaries_belong_to_the_asked_cell(kb, raw):
    wrong = []
    for q in (q for q in raw if q["topic"] == "salary"):
        legit = _legit_salaries(kb, q)
        wrong += [(q["id"], e) for e in q["expect"] if e not in legit]
    assert not wrong


def test_forbidden_values_are_real_values_a_correct_answer_does_not_give(kb, raw):
    everything = _everything(kb)
    wrong = []
    for q in raw:
        legit = (
            _legit_salaries(kb, q) if q["topic"] == "salary" else _show(kb, q["role"], q["topic"])
        )
        for f in q["forbid"]:
            if f not in everything or f in legit:
                wrong.append((q["id"], f))
    assert not wrong


def test_the_show_mirror_matches_the_cli(seeds, kb, raw, monkeypatch, capsys):
    """_show above is what `python -m bot.knowledge show ROLE TOPIC` prints for every cell used."""
    monkeypatch.setenv("KNOWLEDGE_DB", str(seeds.store))
    for role, topic in sorted({(q["role"], q["topic"]) for q in raw}):
        assert cli_main(["show", role, topic]) == 0
        printed = [line.strip() for line in capsys.readouterr().out.splitlines()]
        mirrored = _show(kb, role, topic).split("\n")
        shown = [line for line in mirrored if not re.fullmatch(r"\d+(-\d+年|年以上)", line)]
        assert [line for line in printed if not line.startswith("==")] == [
            line if line.startswith("来源") else f"- {line}" for line in shown
        ], (role, topic)
