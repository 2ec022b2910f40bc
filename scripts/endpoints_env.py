"""REDIS_URL and DATABASE_URL -> the variables endpoints.scale.yml interpolates.

Rasa 3.6 reads `${VAR}` in an endpoints file, but its Redis lock store wants host, port,
db and password separately (a `redis://` URL is not accepted), and SQLAlchemy 1.4 refuses
the `postgres://` spelling many hosts hand out. So:

    python -m scripts.endpoints_env COMMAND ...   # run COMMAND with the variables set
    python -m scripts.endpoints_env --check       # validate and print them (password hidden)

Without REDIS_URL/DATABASE_URL, COMMAND runs unchanged (the default endpoints.yml needs
none of this). `ACTION_ENDPOINT_URL` defaults to the local action server.
"""

from __future__ import annotations

import os
import sys
from typing import Dict, List, Mapping
from urllib.parse import SplitResult, unquote, urlsplit

DEFAULT_ACTION_ENDPOINT_URL = "http://127.0.0.1:5055/webhook"
POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg2"}
SECRET_KEYS = {"RASA_LOCK_STORE_PASSWORD"}


class ConfigError(ValueError):
    """A REDIS_URL or DATABASE_URL that cannot be used; the message says why."""


def _port(parts: SplitResult, name: str, default: int) -> int:
    try:
        return parts.port or default
    except ValueError as error:  # e.g. a port that is not a number
        raise ConfigError(f"{name}: invalid port ({error})") from None


def redis_env(url: str) -> Dict[str, str]:
    """`redis://[[user]:password@]host[:port][/db]` -> RASA_LOCK_STORE_* variables."""
    parts = urlsplit(url)
    if parts.scheme == "rediss":
        raise ConfigError(
            "REDIS_URL: rediss:// (TLS) needs `use_ssl: true` under lock_store in "
            "endpoints.scale.yml; a boolean cannot come from the environment"
        )
    if parts.scheme != "redis":
        raise ConfigError(f"REDIS_URL must start with redis://, not {parts.scheme or url!r}")
    if not parts.hostname:
        raise ConfigError("REDIS_URL has no host")
    db = parts.path.strip("/") or "0"
    if not db.isdigit():
        raise ConfigError(f"REDIS_URL: the database must be a number, not {db!r}")
    return {
        "RASA_LOCK_STORE_HOST": parts.hostname,
        "RASA_LOCK_STORE_PORT": str(_port(parts, "REDIS_URL", 6379)),
        "RASA_LOCK_STORE_DB": db,
        "RASA_LOCK_STORE_USERNAME": unquote(parts.username or ""),
        "RASA_LOCK_STORE_PASSWORD": unquote(parts.password or ""),
    }


def database_url(url: str) -> str:
    """A PostgreSQL URL as SQLAlchemy 1.4 accepts it (`postgres://` -> `postgresql://`)."""
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:port/db), "
            f"not {parts.scheme or url!r}"
        )
    if not parts.hostname:
        raise ConfigError("DATABASE_URL has no host")
    if not parts.path.strip("/"):
        raise ConfigError("DATABASE_URL names no database (…/DBNAME)")
    _port(parts, "DATABASE_URL", 5432)
    if parts.scheme == "postgres":
        return "postgresql" + url[len("postgres") :]
    return url


def scale_env(environ: Mapping[str, str]) -> Dict[str, str]:
    """The variables to add for endpoints.scale.yml; empty when neither URL is set."""
    env: Dict[str, str] = {}
    if environ.get("REDIS_URL"):
        env.update(redis_env(environ["REDIS_URL"]))
    if environ.get("DATABASE_URL"):
        env["RASA_TRACKER_STORE_URL"] = database_url(environ["DATABASE_URL"])
    if env and not environ.get("ACTION_ENDPOINT_URL"):
        env["ACTION_ENDPOINT_URL"] = DEFAULT_ACTION_ENDPOINT_URL
    return env


def redacted(env: Mapping[str, str]) -> Dict[str, str]:
    """`env` fit for a log line: passwords, including one inside a URL, become ***."""
    shown = {}
    for key, value in env.items():
        if key in SECRET_KEYS and value:
            value = "***"
        elif "://" in value:
            parts = urlsplit(value)
            if parts.password:
                netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
                value = parts._replace(netloc=netloc).geturl()
        shown[key] = value
    return shown


def main(argv: List[str]) -> int:
    try:
        env = scale_env(os.environ)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not argv or argv == ["--check"]:
        for key, value in sorted(redacted(env).items()):
            print(f"{key}={value}")
        return 0
    if argv[0] == "--":
        argv = argv[1:]
    os.execvpe(argv[0], argv, {**os.environ, **env})
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
