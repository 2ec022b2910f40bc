"""`python -m bot.knowledge build`: sources -> typed facts -> SQLite store + NLU artefacts."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Tuple

from bot.knowledge import paths
from bot.knowledge.artefacts import write_artefacts
from bot.knowledge.extract.context import DocContext
from bot.knowledge.extract.patterns import extract_patterns
from bot.knowledge.extract.salary import extract_salaries
from bot.knowledge.extract.sections import extract_sections
from bot.knowledge.lexicon import Lexicon
from bot.knowledge.models import Fact, Salary, Source
from bot.knowledge.normalize import normalize_document
from bot.knowledge.sources import SOURCES_DIR, RawDocument, read_sources
from bot.knowledge.store import write_store
from bot.knowledge.structure import split_blocks
from bot.knowledge.summary import DocumentReport, Extracted, summarize
from bot.text import detect_script, normalize_text

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    documents: List[DocumentReport] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.documents)


def main_role(lexicon: Lexicon, title: str, text: str) -> str | None:
    """The role a document is about: named in its title, else the one it names most."""
    generic = lexicon.alias_to_role.get(lexicon.role_prefix)
    specific = [r for r, alias, _ in lexicon.find_roles(title) if alias != lexicon.role_prefix]
    if specific:
        return specific[0]
    if lexicon.role_prefix in title:
        return generic
    counts = Counter(r for r, alias, _ in lexicon.find_roles(text) if alias != lexicon.role_prefix)
    if counts:
        return counts.most_common(1)[0][0]
    return generic if lexicon.role_prefix in text else None


def extract_document(lexicon: Lexicon, raw: RawDocument) -> Tuple[Source, str, DocContext]:
    """Normalize one document and extract every fact it states."""
    text = normalize_document(raw.text)
    script = raw.source.script if raw.source.script != "unknown" else detect_script(raw.text)
    source = replace(raw.source, title=normalize_text(raw.source.title).strip(), script=script)
    blocks = split_blocks(text, source.title)
    ctx = DocContext(source, text, lexicon, main_role(lexicon, source.title, text))
    extract_salaries(ctx, blocks)
    extract_sections(ctx, blocks)
    extract_patterns(ctx, blocks)
    return source, text, ctx


def build(
    sources_dir: Path = SOURCES_DIR,
    store_path: Path | None = None,
    artefacts: paths.ArtefactPaths | None = None,
) -> BuildReport:
    """Build the store from every readable source. Unreadable ones are reported, not fatal."""
    started = time.perf_counter()
    store_path = store_path or paths.store_path()
    lexicon = Lexicon.load()
    raws, errors = read_sources(sources_dir)
    report = BuildReport(errors=list(errors))
    built: List[Tuple[Source, str]] = []
    facts: List[Fact] = []
    salaries: List[Salary] = []
    extracted: List[Extracted] = []
    for raw in raws:
        try:
            source, text, ctx = extract_document(lexicon, raw)
        except Exception as err:  # one bad document must not stop the others
            log.exception("extraction failed for %s", raw.source.path)
            report.errors.append(f"{raw.source.path}: extraction failed ({err})")
            continue
        built.append((source, text))
        facts.extend(ctx.facts)
        salaries.extend(ctx.salaries)
        report.warnings.extend(ctx.warnings)
        extracted.append(Extracted(source, text, ctx.facts, ctx.salaries))
    report.documents = summarize(extracted)
    if not built:
        report.errors.append(f"no readable source in {sources_dir}; the store was left as it was")
        report.seconds = time.perf_counter() - started
        return report
    stated: Dict[str, str] = {f.value: f.role for f in facts if f.topic == "role_names" and f.role}
    lexicon.add_aliases(stated)
    meta = {
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    write_store(store_path, built, facts, salaries, meta)
    write_artefacts(lexicon, artefacts or paths.ArtefactPaths())
    report.seconds = time.perf_counter() - started
    return report
