"""The Rasa launcher's speed fix keeps Rasa's validation contract for action responses."""

from __future__ import annotations

import pytest
import rasa.core.processor
from jsonschema import ValidationError
from rasa.core import run
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.nlu.training_data.features import Features
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel
from sanic.server import runners

from bot import endpoint_sessions, graph_runner, heap, inference, server, workers

VALID = {
    "events": [{"event": "slot", "name": "role", "value": "客服主管"}],
    "responses": [{"text": "客服主管的月薪……"}],
}
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": 3}]},
    {"responses": [42]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": 7}]},
    {"events": [{"name": "role", "value": "x"}]},
    {"events": ["slot"]},
    {"events": [VALID["events"][0], {"event": "user", "text": 5}]},
    {"events": [{"event": "action", "name": "action_answer", "policy": 3}]},
    [],
]
MORE_VALID = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "user", "text": "你好", "parse_data": {"intent": {"name": "greet"}}}]},
    {"events": [{"event": "action", "name": "action_listen"}, {"event": "restart"}]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_answer", None)


@pytest.fixture(autouse=True)
def patched(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", server.validate_action_result)


def test_a_valid_response_passes(action: RemoteAction) -> None:
    assert action._validate_action_result(VALID) is True


@pytest.mark.parametrize("response", INVALID)
def test_an_invalid_response_raises_rasas_error(action: RemoteAction, response) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(response)


@pytest.mark.parametrize("response", [VALID, *MORE_VALID, *INVALID])
def test_the_verdict_matches_the_original(response) -> None:
    original = RemoteAction("action_answer", None)
    try:
        expected = server._ORIGINAL_VALIDATE(original, response)
    except ValidationError:
        expected = False
    assert server.response_validator().is_valid(response) is expected


def test_every_event_alternative_names_its_own_event() -> None:
    """What makes checking only the named alternative equal to Rasa's `oneOf`."""
    schema = RemoteAction.action_response_format_spec()
    alternatives = schema["properties"]["events"]["items"]["oneOf"]
    names = [alt["properties"]["event"]["const"] for alt in alternatives]
    assert len(names) == len(set(names)) == len(server.response_validator().by_event)


def test_the_schema_is_checked_once() -> None:
    server.response_validator.cache_clear()
    assert server.response_validator() is server.response_validator()


def test_sqlite_connections_use_the_write_ahead_log(tmp_path, applied) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_the_http_api_is_off_unless_asked_for() -> None:
    argv = ["run", "--model", "m.tar.gz"]
    assert server.api_arguments(argv, {"RASA_AUTH_TOKEN": "t"}) == argv


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"RASA_ENABLE_API": "true", "RASA_AUTH_TOKEN": "tok"}, ["--auth-token", "tok"]),
        ({"RASA_ENABLE_API": "1", "RASA_JWT_SECRET": "jwt"}, ["--jwt-secret", "jwt"]),
    ],
)
def test_the_api_takes_its_token_from_the_environment(env, expected) -> None:
    argv = server.api_arguments(["run"], env)
    assert argv[:2] == ["run", "--enable-api"] and argv[2:] == expected


@pytest.mark.parametrize(
    ("argv", "env"),
    [(["run"], {"RASA_ENABLE_API": "true"}), (["run", "--enable-api"], {})],
)
def test_the_api_never_runs_without_a_token(argv, env) -> None:
    with pytest.raises(SystemExit, match="needs a token"):
        server.api_arguments(argv, env)


def test_an_sqlite_file_gets_a_connection_pool_and_other_urls_rasas_arguments() -> None:
    from sqlalchemy.pool import QueuePool

    assert server.engine_kwargs("sqlite:///var/tracker.db")["poolclass"] is QueuePool
    assert "poolclass" not in server.engine_kwargs("sqlite://")  # in memory: one connection
    postgres = "postgresql://u:pw@db/kefu"
    assert server.engine_kwargs(postgres) == server._ORIGINAL_ENGINE_KWARGS(postgres)


@pytest.mark.parametrize(
    "name", ["user", "bot", "action", "slot", "session_started", "restart", "followup"]
)
def test_event_types_resolve_as_rasa_resolves_them(name: str) -> None:
    assert server.resolve_event_type(name) is server._ORIGINAL_RESOLVE(name)
    assert server.resolve_event_type(name) is server.resolve_event_type(name)


def test_an_unknown_event_type_gets_rasas_answer() -> None:
    from rasa.shared.core.events import UserUttered

    with pytest.raises(ValueError, match="Unknown event name"):
        server.resolve_event_type("no_such_event")
    assert server.resolve_event_type("no_such_event", UserUttered) is UserUttered
    assert "no_such_event" not in server._EVENT_CLASSES


@pytest.fixture
def applied(monkeypatch):
    """bot.server's fixes on Rasa's originals, undone after the test (they are global)."""
    import rasa.core.tracker_store as stores
    from rasa.core.lock_store import LockStore
    from rasa.shared.core.events import Event

    monkeypatch.setattr(RemoteAction, "_validate_action_result", server._ORIGINAL_VALIDATE)
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(server._ORIGINAL_RESOLVE))
    monkeypatch.setattr(stores, "create_engine_kwargs", server._ORIGINAL_ENGINE_KWARGS)
    loader = "_load_from_module_name_in_endpoint_config"
    monkeypatch.setattr(stores, loader, server._ORIGINAL_LOADER)
    monkeypatch.setattr(LockStore, "_acquire_lock", server._ORIGINAL_ACQUIRE)
    monkeypatch.setattr(Features, "_combine_sparse_features", inference._ORIGINAL_COMBINE)
    monkeypatch.setattr(RasaModel, "_rasa_predict", inference._ORIGINAL_PREDICT)
    monkeypatch.setattr(rasa.core.processor, "DaskGraphRunner", DaskGraphRunner)
    monkeypatch.setattr(runners, "bind_socket", workers._ORIGINAL_BIND)
    monkeypatch.setattr(runners, "serve", workers._ORIGINAL_SERVE)
    monkeypatch.setattr(Agent, "load_model", heap._ORIGINAL_LOAD_MODEL)
    monkeypatch.setattr(EndpointConfig, "session", endpoint_sessions._ORIGINAL_SESSION)
    monkeypatch.setattr(run, "close_resources", endpoint_sessions._ORIGINAL_CLOSE_RESOURCES)
    server.apply()


def test_apply_installs_every_fix(applied) -> None:
    import rasa.core.tracker_store as stores
    from rasa.core.lock_store import LockStore
    from rasa.shared.core.events import Event

    assert RemoteAction._validate_action_result is server.validate_action_result
    assert Event.resolve_by_type is server.resolve_event_type
    assert stores.create_engine_kwargs is server.engine_kwargs
    assert stores._load_from_module_name_in_endpoint_config is server.load_tracker_store_class
    assert LockStore._acquire_lock is server.acquire_lock
    assert Features._combine_sparse_features is inference.combine_sparse
    assert RasaModel._rasa_predict is inference.predict_with_traced_graph
    assert rasa.core.processor.DaskGraphRunner is graph_runner.SequentialGraphRunner
    assert runners.bind_socket is workers.reserve_port
    assert runners.serve is workers.serve_own_socket
    assert Agent.load_model is heap.load_model_then_freeze
    assert EndpointConfig.session is endpoint_sessions.kept_session
    assert run.close_resources is endpoint_sessions.close_resources


@pytest.fixture
def lock_fix(monkeypatch):
    from rasa.core.lock_store import LockStore

    monkeypatch.setattr(LockStore, "_acquire_lock", server.acquire_lock)


async def _wait_for_lock(store, seconds: float) -> None:
    import asyncio

    async def take() -> None:
        async with store.lock("c", lock_lifetime=0.3, wait_time_in_seconds=0.02):
            pass

    await asyncio.wait_for(take(), seconds)


async def test_rasa_waits_forever_on_a_ticket_that_expired_while_waiting(monkeypatch) -> None:
    """Why acquire_lock exists: behind a dead server's ticket, Rasa's own loop never ends."""
    import asyncio

    from rasa.core.lock_store import InMemoryLockStore, LockStore

    monkeypatch.setattr(LockStore, "_acquire_lock", server._ORIGINAL_ACQUIRE)

    store = InMemoryLockStore()
    store.issue_ticket("c", lock_lifetime=0.3)  # left by a server that died mid-turn
    with pytest.raises(asyncio.TimeoutError):
        await _wait_for_lock(store, 1.5)


async def test_an_expired_waiting_ticket_raises_and_a_fresh_one_is_served(lock_fix) -> None:
    from rasa.core.lock_store import InMemoryLockStore, LockError

    store = InMemoryLockStore()
    store.issue_ticket("c", lock_lifetime=0.3)
    with pytest.raises(LockError):
        await _wait_for_lock(store, 1.5)
    await _wait_for_lock(store, 0.5)  # the dead ticket is gone: served at once


async def test_a_live_holder_is_still_waited_for(lock_fix) -> None:
    import asyncio

    from rasa.core.lock_store import InMemoryLockStore

    store = InMemoryLockStore()
    store.issue_ticket("c", lock_lifetime=5)  # still processing its turn
    with pytest.raises(asyncio.TimeoutError):  # waiting, not giving up
        await _wait_for_lock(store, 0.2)
