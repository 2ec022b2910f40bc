"""`python -m bot.server run ...`: Rasa's own CLI, with one measured speed fix applied first.

Profiling the Rasa server under load (py-spy, see benchmarks/RESULTS.md) showed
that 42% of its time went into validating each action-server response:
Rasa 3.6 calls `jsonschema.validate`, which checks the *schema itself* against
the JSON Schema 2020-12 meta-schema on every call before it looks at the
response. The schema never changes, so we check it once and keep the compiled
validator. Responses are still validated in full, with the same error.

The SQLite tracker store also runs in write-ahead-log mode (WAL): a turn's
commit then costs one WAL append and sync instead of a rollback journal's
several, and readers (the HR console) never block Rasa's writes.

Everything else is stock Rasa: the arguments are Rasa's, and `rasa run` keeps
working unchanged (only slower).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from jsonschema import validators
from rasa.core.actions.action import RemoteAction
from sqlalchemy import event
from sqlalchemy.engine import Engine

_ORIGINAL_VALIDATE = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def response_validator() -> Any:
    """The action response schema, checked once and compiled once."""
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """Same contract as Rasa's `_validate_action_result`, without re-checking the schema."""
    if response_validator().is_valid(result):
        return True
    # Invalid (rare): Rasa's own method builds its usual message and raises it.
    return _ORIGINAL_VALIDATE(self, result)


def use_wal(dbapi_connection: Any, connection_record: Any) -> None:
    """Put every SQLite connection Rasa opens into WAL mode (a no-op for other databases)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def apply() -> None:
    RemoteAction._validate_action_result = validate_action_result
    if not event.contains(Engine, "connect", use_wal):
        event.listen(Engine, "connect", use_wal)


def main() -> None:
    apply()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
