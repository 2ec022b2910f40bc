"""Small talk that names a job is a question: drop the small-talk reading.

"同样挂着客服总监的头衔,为啥有人年薪翻倍有人平平?差在哪" was read as a greeting at 0.97
and got "您好" back. A greeting, a thank-you or a goodbye never names a job, so when the
classifier reads one into a message that does, its next reading takes over; FallbackClassifier
(after this component) then decides whether that reading is sure enough to act on.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import StatelessComponent

SMALL_TALK = ("greet", "thank", "goodbye")


def _names_a_job(message: Message) -> bool:
    return any(e.get("entity") == "role" for e in message.get(ENTITIES) or [])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SmallTalkGuard(StatelessComponent):
    """Replaces a small-talk intent by the next one ranked when the message names a job."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") in SMALL_TALK and _names_a_job(message):
                ranking: List[Dict[str, Any]] = [
                    r
                    for r in message.get(INTENT_RANKING_KEY) or []
                    if r.get("name") not in SMALL_TALK
                ]
                if ranking:
                    message.set(INTENT, ranking[0], add_to_output=True)
                    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
