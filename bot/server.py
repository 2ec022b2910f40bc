"""`python -m bot.server run ...`: Rasa's own CLI, with measured speed fixes applied first.

Profiling the Rasa server under load (py-spy, see benchmarks/RESULTS.md) found
time Rasa spends on work whose result never changes:
- 42% validating each action-server response: Rasa 3.6 calls
  `jsonschema.validate`, which checks the *schema itself* against the JSON
  Schema 2020-12 meta-schema on every call. We check it once and keep the
  compiled validator; responses are still validated in full, with Rasa's error.
  Then 9% trying each event against all 23 `oneOf` event alternatives; we try
  the one it names, which gives the same verdict.
- 7% connecting to SQLite: SQLAlchemy 1.4 opens a connection per session on
  an SQLite file and the tracker store opens two per turn; we pool them, as
  SQLAlchemy 2.0 does by default.
- 5% walking the Event class tree to deserialise each stored event by name.

The SQLite tracker store also runs in write-ahead-log mode (WAL), so readers
(the HR console) never block Rasa's writes. A tracker store `type:` that cannot
be imported stops the server instead of Rasa's silent fall-back to memory. A
conversation-lock ticket that expired while waiting raises LockError instead of
waiting forever (see `acquire_lock`).

Rasa's HTTP API stays off unless RASA_ENABLE_API is true, and then only with a
token from the environment (RASA_AUTH_TOKEN, or RASA_JWT_SECRET for JWT). The
token is handed to Rasa's own --auth-token / --jwt-secret inside this process,
so it never shows on a command line (`ps`).

NLU inference skips two per-message costs that never change a parse (bot.inference),
the model's graph runs node after node without dask's scheduler (bot.graph_runner), the
loaded model is frozen out of full garbage collections (bot.heap), calls to the action
server reuse their connections (bot.endpoint_sessions), and each Sanic worker listens on a
socket of its own (bot.workers).

Everything else is stock Rasa: the arguments are Rasa's, and `rasa run` keeps
working unchanged (only slower).
"""

from __future__ import annotations

import asyncio
import copy
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Mapping

import rasa.core.tracker_store
from jsonschema import validators
from rasa.core.actions.action import RemoteAction
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore
from rasa.shared.core.events import Event
from rasa.shared.utils.common import class_from_module_path
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool

from bot import endpoint_sessions, graph_runner, heap, inference, workers

_ORIGINAL_VALIDATE = RemoteAction._validate_action_result
_ORIGINAL_RESOLVE = Event.resolve_by_type
_EVENT_CLASSES: Dict[str, type] = {}
_ORIGINAL_ENGINE_KWARGS = rasa.core.tracker_store.create_engine_kwargs
_ORIGINAL_LOADER = rasa.core.tracker_store._load_from_module_name_in_endpoint_config
_ORIGINAL_ACQUIRE = LockStore._acquire_lock


@dataclass(frozen=True)
class ResponseValidator:
    """The action response schema, checked and compiled once, its event union split by type.

    Rasa's schema says each event is `oneOf` 23 alternatives, each fixing a
    different `event` name, so jsonschema tries all 23 for every event. Only the
    alternative an event names can match, so checking the shared part and then
    that one alternative gives the same verdict at a fraction of the cost.
    """

    shared: Any  # the whole schema, with each event's `oneOf` left out
    by_event: Dict[str, Any]  # event name -> its alternative

    def is_valid(self, result: Any) -> bool:
        if not self.shared.is_valid(result):
            return False
        for item in result.get("events") or ():
            alternative = self.by_event.get(item["event"])
            if alternative is None or not alternative.is_valid(item):
                return False
        return True


@lru_cache(maxsize=1)
def response_validator() -> ResponseValidator:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    shared = copy.deepcopy(schema)
    alternatives = shared["properties"]["events"]["items"].pop("oneOf")
    return ResponseValidator(
        cls(shared),
        {alt["properties"]["event"]["const"]: cls(alt) for alt in alternatives},
    )


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """Same contract as Rasa's `_validate_action_result`, without re-checking the schema."""
    if response_validator().is_valid(result):
        return True
    # Invalid (rare): Rasa's own method builds its usual message and raises it.
    return _ORIGINAL_VALIDATE(self, result)


def resolve_event_type(type_name: str, default: type | None = None) -> type | None:
    """Rasa's `Event.resolve_by_type`, remembering what the class-tree walk found.

    Rasa walks every Event subclass (about 40, with an `isabstract` check each)
    for every stored event it deserialises: 5% of the server's CPU per reply.
    Only found classes are remembered, so unknown names still get Rasa's answer.
    """
    found = _EVENT_CLASSES.get(type_name)
    if found is None:
        found = _ORIGINAL_RESOLVE(type_name, default)
        if found is not None and found is not default:
            _EVENT_CLASSES[type_name] = found
    return found


def use_wal(dbapi_connection: Any, connection_record: Any) -> None:
    """Put every SQLite connection Rasa opens into WAL mode (a no-op for other databases)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def engine_kwargs(url: Any) -> Dict[str, Any]:
    """Rasa's engine arguments, plus a connection pool for an SQLite file.

    SQLAlchemy 1.4 opens a new connection for every session on an SQLite file
    (NullPool), and Rasa's tracker store opens two sessions per turn: connecting
    and closing were 7% of the server's CPU per reply. SQLAlchemy 2.0 pools such files by
    default (QueuePool), which is what this does; PostgreSQL already pools.
    """
    kwargs = _ORIGINAL_ENGINE_KWARGS(url)
    parsed = make_url(str(url))
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        kwargs.update(poolclass=QueuePool, connect_args={"check_same_thread": False})
    return kwargs


def load_tracker_store_class(domain: Any, store: Any, event_broker: Any = None) -> Any:
    """Rasa's loader for a tracker store named by module path, minus its silent fallback.

    Rasa answers a misspelt or broken `type:` with a warning and an in-memory store,
    which loses every conversation at the next restart; here the server stops instead.
    """
    store_class = class_from_module_path(store.type)
    return store_class(host=store.url, domain=domain, event_broker=event_broker, **store.kwargs)


async def acquire_lock(
    self: LockStore, conversation_id: str, ticket: int, wait_time_in_seconds: float
) -> TicketLock:
    """Rasa's `LockStore._acquire_lock`, raising LockError once its own ticket has expired.

    Rasa keeps waiting for a ticket that expired while it waited, and an expired ticket
    is never served: behind a ticket left by a server that died mid-turn, a resent turn
    whose ticket outlived the dead one by less than a polling interval waited until the
    channel's turn timeout (seen as one lost turn in `make test-scale`). LockError lets
    the channel take a fresh ticket at once (bot.channels.turns), which is served.
    """
    while True:
        lock = self.get_lock(conversation_id)
        if not lock:
            break
        if not lock.is_locked(ticket):
            return lock
        if lock._ticket_for_ticket_number(ticket) is None:
            break
        await asyncio.sleep(wait_time_in_seconds)
        self.update_lock(conversation_id)
    raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")


def apply() -> None:
    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_event_type)
    rasa.core.tracker_store.create_engine_kwargs = engine_kwargs
    rasa.core.tracker_store._load_from_module_name_in_endpoint_config = load_tracker_store_class
    LockStore._acquire_lock = acquire_lock
    if not event.contains(Engine, "connect", use_wal):
        event.listen(Engine, "connect", use_wal)
    inference.apply()
    graph_runner.apply()
    heap.apply()
    endpoint_sessions.apply()
    workers.apply()


class ApiConfigError(SystemExit):
    """The API was asked for without a token: refuse to start rather than run it open."""


def api_arguments(argv: List[str], env: Mapping[str, str]) -> List[str]:
    """`argv` with the HTTP API switched on and guarded as the environment asks."""
    argv = list(argv)
    wanted = env.get("RASA_ENABLE_API", "").lower() in ("1", "true", "yes")
    if wanted and "--enable-api" not in argv:
        argv.append("--enable-api")
    if "--enable-api" not in argv:
        return argv
    if "--auth-token" not in argv and env.get("RASA_AUTH_TOKEN"):
        argv += ["--auth-token", env["RASA_AUTH_TOKEN"]]
    if "--jwt-secret" not in argv and env.get("RASA_JWT_SECRET"):
        argv += ["--jwt-secret", env["RASA_JWT_SECRET"]]
    if "--auth-token" not in argv and "--jwt-secret" not in argv:
        raise ApiConfigError(
            "error: Rasa's HTTP API needs a token: set RASA_AUTH_TOKEN (or RASA_JWT_SECRET)"
        )
    return argv


def main() -> None:
    sys.argv[1:] = api_arguments(sys.argv[1:], os.environ)
    apply()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
