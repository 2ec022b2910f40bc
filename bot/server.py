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

Rasa's HTTP API stays off unless RASA_ENABLE_API is true, and then only with a
token from the environment (RASA_AUTH_TOKEN, or RASA_JWT_SECRET for JWT). The
token is handed to Rasa's own --auth-token / --jwt-secret inside this process,
so it never shows on a command line (`ps`).

Everything else is stock Rasa: the arguments are Rasa's, and `rasa run` keeps
working unchanged (only slower).
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from typing import Any, Dict, List, Mapping

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
