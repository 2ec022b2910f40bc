"""bot.graph_runner runs the trained model's graph to exactly what Rasa's dask runner gives."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, List

import pytest
import rasa.core.processor
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import graph_runner
from bot.graph_runner import SequentialGraphRunner
from scripts.stack import MODEL
from tests.nlu.test_inference import MESSAGES


def _load(runner_class: type, monkeypatch: pytest.MonkeyPatch) -> Any:
    from rasa.core.agent import Agent

    with monkeypatch.context() as patched:
        patched.setattr(rasa.core.processor, "DaskGraphRunner", runner_class)
        return Agent.load(str(MODEL))


@pytest.fixture(scope="module")
def agents() -> tuple:
    logging.getLogger("rasa").setLevel(logging.WARNING)
    with pytest.MonkeyPatch.context() as monkeypatch:
        return _load(DaskGraphRunner, monkeypatch), _load(SequentialGraphRunner, monkeypatch)


def _conversation(agent: Any) -> List[Any]:
    """Each message's parse and the next action predicted after it, turn after turn."""
    processor = agent.processor

    async def talk() -> List[Any]:
        tracker = DialogueStateTracker("runner-test", processor.domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        steps = []
        for text in MESSAGES:
            parse = await agent.parse_message(text)
            tracker.update(UserUttered(text, parse["intent"], parse["entities"], parse))
            prediction = processor._predict_next_with_tracker(tracker)
            action = processor.domain.action_names_or_texts[prediction.max_confidence_index]
            tracker.update(ActionExecuted(action))
            steps.append((parse, prediction, processor._predict_next_with_tracker(tracker)))
            tracker.update(ActionExecuted("action_listen"))
        return steps

    return asyncio.run(talk())


def test_the_trained_model_parses_and_predicts_identically(agents) -> None:
    dask_agent, sequential_agent = agents
    assert type(dask_agent.processor.graph_runner) is DaskGraphRunner
    assert type(sequential_agent.processor.graph_runner) is SequentialGraphRunner
    expected = _conversation(dask_agent)
    assert _conversation(sequential_agent) == expected
    # The conversation reached the rules, not only the fallback.
    assert {step[1].policy_name for step in expected} == {"RulePolicy"}
    assert len({step[1].max_confidence_index for step in expected}) > 3


def test_a_failing_node_fails_as_under_dask(agents) -> None:
    """A message that is not a list breaks the first NLU node the same way under both."""
    failures = []
    for agent in agents:
        runner, metadata = agent.processor.graph_runner, agent.processor.model_metadata
        with pytest.raises(Exception) as failure:
            runner.run(inputs={"__message__": 42}, targets=[metadata.nlu_target])
        failures.append((type(failure.value), str(failure.value)))
    assert failures[0] == failures[1]


def test_only_the_nodes_the_targets_need_run(agents) -> None:
    runner = agents[1].processor.graph_runner
    nlu_target = agents[1].processor.model_metadata.nlu_target
    core_target = agents[1].processor.model_metadata.core_target
    nlu_plan = {name for name, _, _ in runner._plan((nlu_target,))}
    core_plan = {name for name, _, _ in runner._plan((core_target,))}
    assert nlu_target in nlu_plan and core_target not in nlu_plan
    assert core_target in core_plan and nlu_target not in core_plan
    order = [name for name, _, _ in runner._plan((nlu_target,))]
    for position, (name, _, needs) in enumerate(runner._plan((nlu_target,))):
        assert all(order.index(need) < position for need in needs if need in order), name


def test_apply_makes_the_server_load_it(monkeypatch) -> None:
    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", DaskGraphRunner)
    graph_runner.apply()
    assert rasa.core.processor.DaskGraphRunner is SequentialGraphRunner
