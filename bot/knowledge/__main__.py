"""Maintainers' CLI: `python -m bot.knowledge build | show ROLE [TOPIC] | stats`."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import List

from bot.knowledge.api import TOPICS, KnowledgeBase
from bot.knowledge.build import BuildReport, build
from bot.knowledge.render_cli import format_fact, format_salary
from bot.knowledge.store import StoreError


def _print_build(report: BuildReport) -> None:
    """Per document: facts by topic, disagreements with other sources, silent sections."""
    for doc in report.documents:
        total = sum(doc.facts_by_topic.values())
        topics = ", ".join(f"{t} {n}" for t, n in sorted(doc.facts_by_topic.items()))
        print(f"《{doc.source.title}》 ({doc.source.path}): {total} facts — {topics or 'none'}")
        for c in doc.conflicts:
            print(
                f"  conflict: {c.role or '(any role)'} {c.topic} {c.about}: {c.value} here,"
                f" {c.other_value} in {c.other_source}"
            )
        for section in doc.empty_sections:
            print(f"  nothing extracted under: {section}")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    print(f"built {len(report.documents)} document(s) in {report.seconds:.2f} s")


def _show(kb: KnowledgeBase, role_text: str, topic: str | None) -> int:
    role = kb.resolve_role(role_text)
    if role is None:
        print(f"unknown role {role_text!r}; known: {'、'.join(kb.roles())}", file=sys.stderr)
        return 2
    for name in [topic] if topic else kb.topics(role):
        print(f"== {role} · {name}")
        items = kb.salaries(role) if name == "salary" else kb.facts(role, name)
        if not items:
            print("  (not covered by any source)")
        for source_id, group in kb.by_source(items).items():
            print(f"  来源:《{kb.source(source_id).title}》")
            for item in group:
                line = format_salary(item) if name == "salary" else format_fact(item)
                print(f"    - {line}")
    return 0


def _stats(kb: KnowledgeBase) -> None:
    table = kb.stats()
    ids = [s.id for s in kb.sources()]
    print("topic".ljust(16) + "".join(i[:10].rjust(12) for i in ids) + "total".rjust(8))
    for topic in TOPICS:
        row = table.get(topic, {})
        print(
            topic.ljust(16)
            + "".join(str(row.get(i, 0)).rjust(12) for i in ids)
            + str(sum(row.values())).rjust(8)
        )


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.knowledge", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="build the fact store and NLU artefacts from the sources")
    show = sub.add_parser("show", help="what the assistant knows about a role, with sources")
    show.add_argument("role")
    show.add_argument("topic", nargs="?", choices=TOPICS)
    sub.add_parser("stats", help="fact counts by topic and source")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    if args.command == "build":
        report = build()
        _print_build(report)
        return 0 if report.ok else 1
    try:
        kb = KnowledgeBase.open()
    except StoreError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.command == "show":
        return _show(kb, args.role, args.topic)
    _stats(kb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
