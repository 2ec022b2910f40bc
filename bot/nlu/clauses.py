"""Two Rasa NLU components that classify each question of a message that asks several.

"客户服务主管是个什么样的职位?主要负责哪一块?" asks for the overview and the duties; the
classifier, which sees the message whole, picks one. `ClauseSplitter` (right after the
normalizer) adds each question of such a message to the batch as a message of its own, so the
tokenizer, featurizers and classifiers of the same pipeline read it alone; `ClauseCollector`
(last) takes them out again and records what each was read as under `clauses` on the message
they came from. A message that asks one thing passes through untouched, and training never
sees either component: both are prediction-only classifiers in Rasa's recipe.
"""

from __future__ import annotations

import re
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import StatelessComponent

CLAUSES = "clauses"
# The message a clause was cut from; only ever set on the clause messages this module adds.
_PARENT = "clause_parent"
# Where one question ends and the next begins: end punctuation, or a comma followed by words
# that open another question ("…,另外…", "…,还有…").
_BOUNDARY = re.compile(r"[?？!！。;；]+|[,，、]\s*(?=另外|还有|以及|顺便|再问|同时)")
# Fewer characters (punctuation aside) than this is no question of its own ("好吗?", "嗯,好的!").
MIN_CLAUSE_CHARS = 4
_WORDLESS = re.compile(r"[\W_]+")
# Clauses kept per message: the questions a reply can sensibly answer together.
MAX_CLAUSES = 3
# The ranking kept per clause: enough to tell a confident reading from a split one.
RANKING_KEPT = 3


def split_clauses(text: str) -> List[str]:
    """The questions of a message, in order; [] when it asks one thing (or is a button payload)."""
    if text.startswith("/"):
        return []
    parts = [p.strip() for p in _BOUNDARY.split(text)]
    clauses = [p for p in parts if len(_WORDLESS.sub("", p)) >= MIN_CLAUSE_CHARS]
    return clauses[:MAX_CLAUSES] if len(clauses) > 1 else []


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ClauseSplitter(StatelessComponent):
    """Adds each question of a several-question message to the batch, marked with its parent."""

    def process(self, messages: List[Message]) -> List[Message]:
        clauses = []
        for message in messages:
            for clause in split_clauses(message.get(TEXT) or ""):
                clauses.append(Message(data={TEXT: clause, _PARENT: message}))
        return [*messages, *clauses]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ClauseCollector(StatelessComponent):
    """Takes the clause messages out of the batch and records their readings on their parents."""

    def process(self, messages: List[Message]) -> List[Message]:
        kept = []
        for message in messages:
            parent = message.get(_PARENT)
            if parent is None:
                kept.append(message)
                continue
            reading = {
                TEXT: message.get(TEXT),
                INTENT: message.get(INTENT),
                INTENT_RANKING_KEY: (message.get(INTENT_RANKING_KEY) or [])[:RANKING_KEPT],
            }
            parent.set(CLAUSES, [*(parent.get(CLAUSES) or []), reading], add_to_output=True)
        return kept
