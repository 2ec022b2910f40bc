"""Helpers for the fault tests: a bare action server and the requests Rasa sends it.

The knowledge-base faults live entirely in the action server, so those tests start only
`rasa run actions` (a few seconds) and POST to its /webhook the JSON Rasa would send,
instead of paying for a Rasa start.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List

from scripts.stack import BIN, ROOT, _stop, free_port, wait_until_up


@dataclass
class ActionServer:
    url: str
    log: Path
    proc: subprocess.Popen
    ready_s: float


@contextmanager
def action_server(workdir: Path, store: Path) -> Iterator[ActionServer]:
    """`rasa run actions` on a free loopback port with KNOWLEDGE_DB=store; stopped on exit."""
    port = free_port()
    env = dict(os.environ, KNOWLEDGE_DB=str(store), SANIC_HOST="127.0.0.1")
    log = workdir / "actions.log"
    command = [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)]
    with open(log, "w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        ready_s = wait_until_up(f"{url}/health", proc, timeout=60)
        yield ActionServer(url, log, proc, ready_s)
    finally:
        _stop(proc)


def action_call(
    text: str,
    intent: str,
    entities: List[Dict[str, Any]] | None = None,
    slots: Dict[str, Any] | None = None,
    action: str = "action_answer",
    sender: str = "faults",
) -> Dict[str, Any]:
    """The body Rasa POSTs to the action server to run `action` after a user message."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities or [],
        "intent_ranking": [{"name": intent, "confidence": 0.99}],
    }
    return {
        "next_action": action,
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": slots or {},
            "latest_message": latest,
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": "3.6.21",
    }


def salary_call(sender: str = "faults") -> Dict[str, Any]:
    """ "客服主管工资多少" as NLU parses it."""
    entity = {"entity": "role", "value": "客服主管", "start": 0, "end": 4}
    return action_call(
        "客服主管工资多少", "ask_salary", [entity], {"role": "客服主管"}, sender=sender
    )


def post_action(url: str, body: Dict[str, Any], timeout: float = 30) -> Dict[str, Any]:
    """POST one action call to the action server's /webhook; its JSON response."""
    request = urllib.request.Request(
        f"{url}/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def reply_text(response: Dict[str, Any]) -> str:
    return "\n".join(r.get("text") or "" for r in response.get("responses", []))
