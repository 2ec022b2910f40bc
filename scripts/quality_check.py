"""Answer quality on an evaluation set without the servers, for quick iteration.

Loads the trained model in-process (NLU only), runs the real action classes on a
fresh tracker per question (as benchmarks/run.py does with one sender per
question) and scores with benchmarks.quality.score. `--verbose` prints every
miss with its intent, entities and reply. The committed numbers still come from
`make bench`, through the REST stack. `--questions` picks the set (default
benchmarks/questions.yml; the three questions_heldout*.yml were written blind).

    .venv/bin/python -m scripts.quality_check [-v] [--only ID ...] [--questions PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from benchmarks.quality import QUESTIONS, load_questions, score
from scripts.stack import MODEL

SLOT_ENTITIES = {"role": "role", "city_tier": "city_tier", "experience": "experience"}


def _actions() -> Dict[str, Any]:
    from actions.actions import (
        ActionAnswer,
        ActionAnswerSource,
        ActionClarify,
        ActionCompareRoles,
        ActionOutOfScope,
    )

    answer = ActionAnswer()
    table = {i: answer for i in ("inform",)}
    from bot.query import INTENT_TOPICS

    table.update({i: answer for i in INTENT_TOPICS})
    table.update(
        compare_roles=ActionCompareRoles(),
        ask_source=ActionAnswerSource(),
        out_of_scope=ActionOutOfScope(),
        nlu_fallback=ActionClarify(),
    )
    return table


async def _reply(agent, actions, text: str) -> tuple[str, Dict[str, Any]]:
    parsed = await agent.parse_message(text)
    intent = parsed["intent"]["name"]
    action = actions.get(intent)
    if intent == "help" and any(e["entity"] == "role" for e in parsed.get("entities", [])):
        action = actions["inform"]  # data/rules.yml: a request for help that names a role
    if action is None:
        return f"<{intent}: a template response>", parsed
    slots: Dict[str, Any] = {}
    for e in parsed.get("entities", []):
        if e["entity"] in SLOT_ENTITIES:
            slots[SLOT_ENTITIES[e["entity"]]] = e["value"]
    tracker = Tracker("q", slots, parsed, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker, {})
    return "\n".join(m.get("text") or "" for m in dispatcher.messages), parsed


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--model", default=str(MODEL), help="default: %(default)s")
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="default: %(default)s")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    from rasa.core.agent import Agent

    agent = Agent.load(args.model)
    actions = _actions()
    questions = load_questions(args.questions)
    if args.only:
        questions = [q for q in questions if q.id in args.only]
    loop = asyncio.new_event_loop()
    seen: Dict[str, tuple] = {}

    def answer(text: str) -> str:
        seen[text] = loop.run_until_complete(_reply(agent, actions, text))
        return seen[text][0]

    result = score(questions, answer)
    if args.verbose:
        for q in questions:
            if q.id not in result.misses:
                continue
            reply, parsed = seen[q.text]
            ents = [(e["entity"], e["value"]) for e in parsed.get("entities", [])]
            print(f"--- {q.id}: {q.text}")
            print(
                f"    intent {parsed['intent']['name']} {parsed['intent']['confidence']:.2f}"
                f" entities {ents}"
            )
            ranking = parsed.get("intent_ranking", [])[:4]
            print("    ranking " + ", ".join(f"{r['name']} {r['confidence']:.2f}" for r in ranking))
            print(f"    expect {q.expect} forbid {q.forbid}")
            print("    " + reply.replace("\n", "\n    "))
    print(f"accuracy {result.accuracy:.3f} precision {result.precision:.3f}")
    print("misses:", ", ".join(result.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
