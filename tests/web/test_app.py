"""Routes and headers of the widget's sanic app, served for real on a loopback port."""

import gzip
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

import pytest

from bot.web.app import content_security_policy, origin
from scripts.stack import running_web

RASA = "http://rasa.example:5005"


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Client:
    """A tiny HTTP client returning status, headers and raw body, errors included."""

    def __init__(self, base: str):
        self.base = base

    def get(self, path: str, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                return None, Reply(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as err:
            return None, Reply(err.code, err.headers, err.read())


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with running_web(tmp_path_factory.mktemp("web"), RASA) as base:
        yield Client(base)


def test_demo_page_embeds_the_widget_under_a_strict_csp(client):
    _, resp = client.get("/")
    assert resp.status == 200
    assert '<script src="/widget.js" data-server="http://rasa.example:5005"></script>' in resp.text
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "connect-src 'self' http://rasa.example:5005" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in resp.text and " style=" not in resp.text


def test_widget_and_assets_are_served_locally(client):
    _, js = client.get("/widget.js")
    assert js.status == 200 and js.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert js.headers["Access-Control-Allow-Origin"] == "*"
    for path in (
        "/static/widget.css",
        "/static/vendor/chart.umd.min.js",
        "/static/vendor/purify.min.js",
    ):
        _, resp = client.get(path)
        assert resp.status == 200, path


@pytest.mark.parametrize(
    "path",
    [
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/vendor/package.json",
        "/static/nope.js",
    ],
)
def test_nothing_outside_the_allowlist_is_served(client, path):
    _, resp = client.get(path)
    assert resp.status == 404


def test_text_assets_are_gzipped_when_accepted(client):
    _, resp = client.get("/static/vendor/chart.umd.min.js", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert b"Chart" in gzip.decompress(resp.body)
    _, plain = client.get("/static/vendor/chart.umd.min.js")
    assert "Content-Encoding" not in plain.headers


def test_health(client):
    _, resp = client.get("/healthz")
    assert resp.status == 200 and resp.text == '{"status":"ok"}'


def test_csp_needs_an_http_rasa_url():
    assert origin("https://bot.example.com/path") == "https://bot.example.com"
    with pytest.raises(ValueError):
        content_security_policy("javascript:alert(1)")
