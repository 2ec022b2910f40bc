"""docker-compose.yml and deploy/nginx.conf: linted here, since Docker is not available in CI.

The compose file is parsed and cross-checked (services, image, commands, ports, the nginx
upstreams, no secret literals); nginx's own `nginx -t` checks the config rendered with
loopback ports into a temp dir, as `make test-scale` runs it.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from scripts import services
from scripts.stack import ROOT

COMPOSE = ROOT / "docker-compose.yml"
NGINX = ROOT / "deploy" / "nginx.conf"
APP_SERVICES = {"actions", "rasa1", "rasa2", "web"}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|AES_KEY|SALT", re.I)
ENV_REFERENCE = re.compile(r"^\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def command_words(service: dict) -> list[str]:
    command = service["command"]
    words = command if isinstance(command, list) else shlex.split(command)
    if words[:2] == ["sh", "-c"]:  # a shell for $CORS_ORIGINS: look at what it runs
        words = shlex.split(words[2])
    return words


def option(words: list[str], name: str) -> str:
    return words[words.index(name) + 1]


def published(service: dict) -> list[tuple[str, str]]:
    """(host, container) pairs of `ports`."""
    return [tuple(str(p).rsplit(":", 1)) for p in service.get("ports", [])]


def nginx_upstreams() -> list[str]:
    block = re.search(r"upstream rasa \{(.*?)\}", NGINX.read_text(), re.S).group(1)
    return re.findall(r"^\s*server\s+(\S+)", block, re.M)


def test_the_services(compose):
    assert set(compose["services"]) == {"redis", "postgres", *APP_SERVICES, "nginx"}
    for name, service in compose["services"].items():
        for dependency in service.get("depends_on", []):
            assert dependency in compose["services"], f"{name} depends on {dependency}"
    assert "pgdata" in compose["volumes"]


def test_one_image_built_from_deploy_dockerfile(compose):
    images = {compose["services"][name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    for name in APP_SERVICES:
        build = compose["services"][name]["build"]
        assert (ROOT / build["context"] / build["dockerfile"]).is_file()
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "requirements.lock" in dockerfile and "models/kefu.tar.gz" in dockerfile
    assert (ROOT / "deploy" / "Dockerfile.dockerignore").read_text().count(".env") >= 1


def test_rasa_servers_match_the_nginx_upstreams(compose):
    rasa = [name for name in compose["services"] if name.startswith("rasa")]
    addresses = []
    for name in rasa:
        words = command_words(compose["services"][name])
        assert option(words, "--endpoints") == "endpoints.scale.yml"
        assert (ROOT / option(words, "--endpoints")).is_file()
        assert option(words, "--model") == "models/kefu.tar.gz"  # the Makefile's MODEL
        assert "scripts.endpoints_env" in words and "bot.server" in words
        env = compose["services"][name]["environment"]
        assert env["REDIS_URL"].startswith("redis://") and "@redis:6379/" in env["REDIS_URL"]
        assert env["DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in env["DATABASE_URL"]
        addresses.append(f"{name}:{option(words, '--port')}")
    assert len(rasa) >= 2
    assert sorted(nginx_upstreams()) == sorted(addresses)


def test_action_server_port_matches_the_endpoint(compose):
    words = command_words(compose["services"]["actions"])
    port = option(words, "--port")
    for name in ("rasa1", "rasa2"):
        url = compose["services"][name]["environment"]["ACTION_ENDPOINT_URL"]
        assert url == f"http://actions:{port}/webhook"


def test_published_ports(compose):
    services_ = compose["services"]
    [(_, nginx_port)] = published(services_["nginx"])
    assert re.search(rf"^\s*listen {nginx_port};", NGINX.read_text(), re.M)
    mounts = services_["nginx"]["volumes"]
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in mounts
    [(_, web_port)] = published(services_["web"])
    assert services_["web"]["environment"]["WEB_PORT"] == web_port
    # only nginx and the web page are reachable from outside
    assert {name for name, s in services_.items() if s.get("ports")} == {"nginx", "web"}


def test_no_secret_literals(compose):
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            value = str(value)
            if SECRET_NAME.search(key):
                assert ENV_REFERENCE.match(value), f"{name}.{key} is a literal"
            bare = re.sub(r"\$\{[^}]*\}", "REF", value)  # every ${...} reference
            for password in re.findall(r"://[^:/@]*:([^@]+)@", bare):
                assert password == "REF", f"{name}.{key} has a literal password"
    example = (ROOT / "deploy" / "env.example").read_text()
    for line in example.splitlines():
        key, _, value = line.partition("=")
        if SECRET_NAME.search(key) and not line.startswith("#"):
            assert value == "", f"deploy/env.example sets {key}"
    assert not (ROOT / ".env").exists() or ".env" in (ROOT / ".gitignore").read_text()


def test_required_secrets_fail_loudly(compose):
    """An unset password stops `docker compose` with a message instead of an empty one."""
    text = COMPOSE.read_text()
    for name in ("REDIS_PASSWORD", "POSTGRES_PASSWORD"):
        assert f"${{{name}:?" in text and f"${{{name}:-" not in text


def test_nginx_config_passive_health_checks_and_limits():
    text = NGINX.read_text()
    for server in nginx_upstreams():
        assert re.search(rf"server {re.escape(server)} max_fails=\d+ fail_timeout=\d+s;", text)
    assert "proxy_next_upstream error timeout http_502;" in text
    assert "non_idempotent" not in text  # a POST already received is never sent twice
    assert re.search(r"client_max_body_size \d+k;", text)
    for directive in ("proxy_connect_timeout", "proxy_read_timeout", "proxy_send_timeout"):
        assert re.search(rf"{directive} \d+s;", text)
    assert "location /webhooks/ {" in text and "location / {" in text


def test_render_for_loopback(tmp_path):
    text = services.render_nginx_conf(
        NGINX.read_text(), ["127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"],
        "127.0.0.1:7000", tmp_path,
    )  # fmt: skip
    assert "listen 127.0.0.1:7000;" in text and "listen 80;" not in text
    assert "rasa1" not in text and "rasa2" not in text
    assert text.count("max_fails=1 fail_timeout=10s;") == 3
    assert str(tmp_path / "access.log") in text and f"{tmp_path / 'proxy'};" in text


@pytest.mark.skipif(
    not services.nginx_binary(), reason="nginx is not installed (apt-get install nginx)"
)
def test_nginx_accepts_the_config(tmp_path: Path):
    conf = services.write_nginx_conf(tmp_path, ["127.0.0.1:7001", "127.0.0.1:7002"], 7000)
    check = subprocess.run(
        services.nginx_command(conf, tmp_path, "-t"), capture_output=True, text=True, timeout=30
    )
    assert check.returncode == 0, check.stderr
    assert "test is successful" in check.stderr
