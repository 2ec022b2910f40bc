"""The part every component of ours shares: nothing to train or persist, Chinese only."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class StatelessComponent(GraphComponent):
    """A component with nothing to train or persist; what it is made of comes from config."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls.from_config(config)

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> GraphComponent:
        """The component its pipeline entry describes; most need nothing from it."""
        return cls()

    @staticmethod
    def supported_languages() -> List[str] | None:
        return ["zh"]
