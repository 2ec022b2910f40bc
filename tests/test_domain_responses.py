"""The domain's buttons reach the user as Rasa payloads, without interpolation errors."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[1] / "domain.yml"))
BUTTONED = [name for name, variants in DOMAIN.responses.items() if variants[0].get("buttons")]
PAYLOAD = re.compile(r'^/\w+\{"\w+": "[^"{}]+"(, "\w+": "[^"{}]+")*\}$|^[^/{}]+$')


def test_some_responses_have_buttons() -> None:
    assert {"utter_greet", "utter_help"} <= set(BUTTONED)


@pytest.mark.parametrize("name", BUTTONED)
async def test_buttons_arrive_as_payloads_without_errors(name: str, caplog, capsys) -> None:
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    tracker = DialogueStateTracker("u", DOMAIN.slots)
    with caplog.at_level(logging.DEBUG):
        message = await nlg.generate(name, tracker, "rest")
    payloads = [button["payload"] for button in message["buttons"]]
    assert payloads and all(PAYLOAD.match(p) for p in payloads), payloads
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    printed = capsys.readouterr()  # Rasa's structlog prints unless the CLI configured it
    assert "interpolator" not in printed.out + printed.err
