"""Rasa's prediction graph run node after node, without dask's scheduler.

Every message runs the model's graph three times (the NLU parse and two policy
predictions), and Rasa's `DaskGraphRunner` hands each run to `dask.get`: a
general parallel scheduler that, for this chain of a dozen small nodes, spends
about a fifth of the run on its own bookkeeping (queues, callbacks, state
dicts, task substitution; py-spy, benchmarks/RESULTS.md, ninth round).

`SequentialGraphRunner` calls the same instantiated nodes, with the same
inputs, in a dependency order worked out once per set of targets, and returns
what `DaskGraphRunner.run` returns. `bot.server` installs it for the server;
training and `rasa test` keep Rasa's runner.
"""

from __future__ import annotations

from graphlib import TopologicalSorter
from typing import Any, Dict, List, Tuple

import rasa.core.processor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphNode
from rasa.engine.runner.dask import DaskGraphRunner

# One step of a run: the node's name, the node, and the names whose results it takes.
Step = Tuple[str, GraphNode, Tuple[str, ...]]


class SequentialGraphRunner(DaskGraphRunner):
    """DaskGraphRunner's nodes and results, run in order in the calling thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: Dict[Tuple[str, ...], List[Step]] = {}

    def _plan(self, targets: Tuple[str, ...]) -> List[Step]:
        """The nodes the targets need, each after the nodes it takes results from."""
        plan = self._plans.get(targets)
        if plan is None:
            schema = self._graph_schema.minimal_graph_schema(list(targets))
            needs = {name: tuple(node.needs.values()) for name, node in schema.nodes.items()}
            order = TopologicalSorter(
                {name: set(deps) & needs.keys() for name, deps in needs.items()}
            )
            plan = [
                (name, self._instantiated_nodes[name], needs[name]) for name in order.static_order()
            ]
            self._plans[targets] = plan
        return plan

    def run(
        self,
        inputs: Dict[str, Any] | None = None,
        targets: List[str] | None = None,
    ) -> Dict[str, Any]:
        """Runs the graph (see `GraphRunner.run`): the results of the targets by name."""
        run_targets = tuple(targets if targets else self._graph_schema.target_names)
        plan = self._plan(run_targets)
        # As in DaskGraphRunner, an input takes the place of a node of its name and a
        # node receives every result as a (node name, value) pair.
        results: Dict[str, Any] = {}
        if inputs:
            self._add_inputs_to_graph(inputs, {step[0]: None for step in plan})
            results.update((name, (name, value)) for name, value in inputs.items())
        try:
            for name, node, needs in plan:
                if name not in results:  # a need that is neither is passed as is, as dask does
                    results[name] = node(*(results.get(need, need) for need in needs))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(results[target] for target in run_targets)


def apply() -> None:
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner
