"""一线 said of people or of work, not of cities: drop it as a city tier.

"客服主管要不要跟着一线倒夜班", "从一线坐席里挑人", "管理岗还是一线岗" speak of the front line;
the lexicon's tier alias 一线 ("一线城市", "去一线") would otherwise put the user in a
first-tier city for the rest of the conversation, and a later "那工资呢" would answer for it.
Only the bare alias is ambiguous: "一线城市", "北上广深" and the city names are left alone.
"""

from __future__ import annotations

import re
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import StatelessComponent

# Staff and their work after it, or a verb of joining them before it.
_FRONT_LINE = re.compile(
    r"(?:(?<=跟)|(?<=跟着)|(?<=带)|(?<=陪))一线"
    r"|一线(?=员工|客服|坐席|人员|同事|员|岗|接|倒|值|干活|的(?:员工|同事|客服|坐席|人))"
)


def front_line_spans(text: str) -> List[tuple[int, int]]:
    """Where `text` says 一线 of the front line."""
    return [m.span() for m in _FRONT_LINE.finditer(text)]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class FrontLineFilter(StatelessComponent):
    """Removes city_tier entities that are the front line's 一线."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            spans = front_line_spans(message.get(TEXT) or "")
            entities = message.get(ENTITIES) or []
            kept = [
                e
                for e in entities
                if not (e.get("entity") == "city_tier" and (e.get("start"), e.get("end")) in spans)
            ]
            if len(kept) != len(entities):
                message.set(ENTITIES, kept, add_to_output=True)
        return messages
