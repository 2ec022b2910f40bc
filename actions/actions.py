"""Custom actions. Each reads slots, asks bot.knowledge and hands the facts to bot.render."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import knowledge
from bot import render
from bot.knowledge import StoreError


class ActionAnswerSalary(Action):
    """Salary for the role in the conversation, from every source that states one."""

    def name(self) -> str:
        return "action_answer_salary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        try:
            kb = knowledge()
        except StoreError:
            dispatcher.utter_message(text=render.NOT_AVAILABLE)
            return []
        said = tracker.get_slot("role")
        role = kb.resolve_role(said) if said else None
        if role is None:
            dispatcher.utter_message(
                text="您想了解哪个岗位的薪资?",
                buttons=[
                    {"title": r, "payload": f'/ask_salary{{"role": "{r}"}}'} for r in kb.roles()
                ],
            )
            return []
        answer = render.salary_answer(kb, role)
        dispatcher.utter_message(text=answer.text, json_message=answer.payload)
        return [SlotSet("role", role)] if role != said else []
