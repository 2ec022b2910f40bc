"""A Rasa NLU component that normalizes text before the tokenizer.

Users type Traditional or Simplified Chinese, full-width or half-width. The
lexicon, the jieba dictionary and the lookups are Simplified and NFKC, so
everything after this component sees one form. The script the user wrote in
is kept on the message (`script`) so replies can mirror it.

Homophone typos of the domain's words are repaired too ("岗位职则" -> "岗位职责",
bot.nlu.typos), with the table `homophones` names; the text as read goes out as
`read_as`, so the actions read what the classifier read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_VALUE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import StatelessComponent
from bot.nlu.typos import HomophoneRepair
from bot.text import detect_script, normalize_text

SCRIPT = "script"
READ_AS = "read_as"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TextNormalizer(StatelessComponent):
    """Traditional->Simplified and NFKC on the message text; remembers the script."""

    def __init__(self, typos: HomophoneRepair | None = None) -> None:
        self._typos = typos

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"homophones": None}  # a path, relative to the working directory

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> GraphComponent:
        table = config.get("homophones")
        return cls(HomophoneRepair.from_file(Path(table)) if table else None)

    def _normalize(self, message: Message) -> None:
        text = message.get(TEXT)
        if not text:
            return
        message.set(SCRIPT, detect_script(text), add_to_output=True)
        message.set(TEXT, normalize_text(text))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalize examples and their annotated entity values alike.

        Otherwise EntitySynonymMapper would learn "客服经理" -> "客服經理" from a
        Traditional annotation whose text was converted but whose value was not.
        """
        for message in training_data.training_examples:
            self._normalize(message)
            for entity in message.get(ENTITIES) or []:
                if isinstance(entity.get(ENTITY_ATTRIBUTE_VALUE), str):
                    entity[ENTITY_ATTRIBUTE_VALUE] = normalize_text(entity[ENTITY_ATTRIBUTE_VALUE])
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Normalize, then repair typos: users make them, the training examples do not."""
        for message in messages:
            self._normalize(message)
            if self._typos and message.get(TEXT):
                read, repairs = self._typos.repair(message.get(TEXT))
                if repairs:
                    message.set(TEXT, read)
                    message.set(READ_AS, read, add_to_output=True)
        return messages
