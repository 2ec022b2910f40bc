"""REDIS_URL / DATABASE_URL -> endpoints.scale.yml, read by Rasa's own endpoint reader."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from scripts.endpoints_env import (
    DEFAULT_ACTION_ENDPOINT_URL,
    ConfigError,
    database_url,
    redacted,
    redis_env,
    scale_env,
)
from scripts.stack import ROOT

SCALE = ROOT / "endpoints.scale.yml"


def test_redis_url_is_split_into_what_the_lock_store_takes():
    assert redis_env("redis://:s3cr%40t@cache.internal:6380/2") == {
        "RASA_LOCK_STORE_HOST": "cache.internal",
        "RASA_LOCK_STORE_PORT": "6380",
        "RASA_LOCK_STORE_DB": "2",
        "RASA_LOCK_STORE_USERNAME": "",
        "RASA_LOCK_STORE_PASSWORD": "s3cr@t",
    }


def test_redis_defaults_and_acl_user():
    env = redis_env("redis://bot:pw@localhost")
    assert env["RASA_LOCK_STORE_PORT"] == "6379" and env["RASA_LOCK_STORE_DB"] == "0"
    assert env["RASA_LOCK_STORE_USERNAME"] == "bot" and env["RASA_LOCK_STORE_PASSWORD"] == "pw"


@pytest.mark.parametrize(
    "url, reason",
    [
        ("rediss://h:6379/0", "use_ssl"),
        ("http://h:6379", "redis://"),
        ("redis://:pw@/0", "no host"),
        ("redis://h:6379/cache", "number"),
        ("redis://h:port/0", "port"),
    ],
)
def test_unusable_redis_urls_are_named(url, reason):
    with pytest.raises(ConfigError, match=reason):
        redis_env(url)


def test_postgres_spelling_is_fixed_for_sqlalchemy_and_options_kept():
    assert database_url("postgres://u:p@db:5432/kefu?sslmode=require") == (
        "postgresql://u:p@db:5432/kefu?sslmode=require"
    )
    assert database_url("postgresql+psycopg2://u@db/kefu") == "postgresql+psycopg2://u@db/kefu"


@pytest.mark.parametrize(
    "url, reason",
    [
        ("sqlite:///var/tracker.db", "PostgreSQL"),
        ("mysql://u:p@db/kefu", "PostgreSQL"),
        ("postgresql://u:p@db:5432", "names no database"),
        ("postgresql:///kefu", "no host"),
        ("postgresql://u:p@db:x/kefu", "port"),
    ],
)
def test_unusable_database_urls_are_named(url, reason):
    with pytest.raises(ConfigError, match=reason):
        database_url(url)


def test_nothing_is_added_without_the_urls():
    assert scale_env({}) == {}
    env = scale_env({"REDIS_URL": "redis://h", "DATABASE_URL": "postgres://u:p@h/d"})
    assert env["ACTION_ENDPOINT_URL"] == DEFAULT_ACTION_ENDPOINT_URL
    assert env["RASA_TRACKER_STORE_URL"] == "postgresql://u:p@h/d"
    kept = scale_env(
        {"REDIS_URL": "redis://h", "ACTION_ENDPOINT_URL": "http://actions:5055/webhook"}
    )
    assert "ACTION_ENDPOINT_URL" not in kept


def test_redacted_hides_passwords():
    env = scale_env({"REDIS_URL": "redis://:topsecret@h/0", "DATABASE_URL": "postgres://u:pw9@h/d"})
    shown = "\n".join(f"{k}={v}" for k, v in redacted(env).items())
    assert "topsecret" not in shown and "pw9" not in shown
    assert "postgresql://u:***@h/d" in shown


def test_check_mode_fails_with_a_message_and_exec_mode_passes_the_variables():
    env = {"PATH": "/usr/bin:/bin", "REDIS_URL": "rediss://h/0"}
    bad = subprocess.run(
        [sys.executable, "-m", "scripts.endpoints_env", "--check"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 2 and "use_ssl" in bad.stderr
    env["REDIS_URL"] = "redis://:pw@127.0.0.1:6390/1"
    ran = subprocess.run(
        [sys.executable, "-m", "scripts.endpoints_env", "sh", "-c", "echo $RASA_LOCK_STORE_PORT"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert ran.stdout.strip() == "6390"


def test_rasa_reads_the_scale_endpoints_as_its_real_stores(monkeypatch):
    """Rasa's reader expands the variables; SQL and redis are Rasa's own store types."""
    from rasa.core.utils import number_of_sanic_workers
    from rasa.utils.endpoints import read_endpoint_config

    env = scale_env(
        {"REDIS_URL": "redis://:p%40ss@127.0.0.1:6390/2", "DATABASE_URL": "postgres://u:pw@db/k"}
    )
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    tracker = read_endpoint_config(str(SCALE), "tracker_store")
    assert tracker.type == "SQL" and tracker.url == "postgresql://u:pw@db/k"
    lock = read_endpoint_config(str(SCALE), "lock_store")
    assert lock.type == "redis" and lock.url == "127.0.0.1"
    assert lock.kwargs == {"port": "6390", "db": "2", "username": "", "password": "p@ss"}
    action = read_endpoint_config(str(SCALE), "action_endpoint")
    assert action.url == DEFAULT_ACTION_ENDPOINT_URL

    # Rasa only honours SANIC_WORKERS > 1 with a lock store that is not in memory.
    monkeypatch.setenv("SANIC_WORKERS", "3")
    assert number_of_sanic_workers(lock) == 3
    assert (
        number_of_sanic_workers(read_endpoint_config(str(ROOT / "endpoints.yml"), "lock_store"))
        == 1
    )


def test_the_default_endpoints_stay_embedded_sqlite():
    from rasa.utils.endpoints import read_endpoint_config

    tracker = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    assert tracker.type == "bot.tracker_store.CachedSQLTrackerStore"
    assert tracker.kwargs["dialect"] == "sqlite"
    assert read_endpoint_config(str(ROOT / "endpoints.yml"), "lock_store") is None


def test_workers_on_one_machine_share_sqlite_behind_rasas_redis_lock(monkeypatch):
    from rasa.core.utils import number_of_sanic_workers
    from rasa.utils.endpoints import read_endpoint_config

    for key, value in scale_env({"REDIS_URL": "redis://:pw@127.0.0.1:6390/3"}).items():
        monkeypatch.setenv(key, value)
    workers = ROOT / "endpoints.workers.yml"
    tracker = read_endpoint_config(str(workers), "tracker_store")
    default = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    assert (tracker.type, tracker.kwargs) == (default.type, default.kwargs)
    lock = read_endpoint_config(str(workers), "lock_store")
    assert lock.type == "redis" and lock.kwargs["port"] == "6390" and lock.kwargs["db"] == "3"
    monkeypatch.setenv("SANIC_WORKERS", "2")
    assert number_of_sanic_workers(lock) == 2


@pytest.mark.parametrize(
    "variables, endpoints",
    [
        ({}, "endpoints.yml"),
        ({"REDIS_URL": "redis://127.0.0.1/0"}, "endpoints.yml"),
        ({"REDIS_URL": "redis://127.0.0.1/0", "WORKERS": "2"}, "endpoints.workers.yml"),
        (
            {"REDIS_URL": "redis://h/0", "DATABASE_URL": "postgresql://u:p@h/k", "WORKERS": "2"},
            "endpoints.scale.yml",
        ),
    ],
)
def test_make_run_picks_the_endpoints_for_the_variables(variables, endpoints):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    printed = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", *(f"{k}={v}" for k, v in variables.items())],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert f"RASA_ENDPOINTS={endpoints} " in printed
