"""The HR console's routes, served for real on a loopback port: who gets in, what they get."""

from __future__ import annotations

import csv
import http.client
import io
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator
from urllib.parse import urlencode, urlsplit

import pytest

from bot.web.admin_auth import SESSION_S, session_ok, session_value
from scripts.stack import running_web
from tests.insights.generate import action, bot, conversations, user, write_events
from tests.web.test_app import Reply

TOKEN = "s3cret-token-for-tests"
XSS = '<img src=x onerror="alert(1)">'


class Client:
    """HTTP without redirects or cookies handled for us: the tests look at both."""

    def __init__(self, base: str):
        self.host, self.port = urlsplit(base).hostname, urlsplit(base).port

    def request(self, method: str, path: str, headers: Dict[str, str] | None = None, body=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Reply(resp.status, resp.headers, resp.read())
        finally:
            conn.close()

    def get(self, path: str, token: str | None = None, cookie: str | None = None) -> Reply:
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if cookie is not None:
            headers["Cookie"] = cookie
        return self.request("GET", path, headers)

    def login(self, token: str) -> Reply:
        form = urlencode({"token": token})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", "/admin/login", headers, form)


def make_store(path: Path) -> Path:
    """A generated log plus one hostile question."""
    hostile = [
        ("evil", 1_736_000_000.0, user(XSS, "nlu_fallback", 0.2, "rest")),
        ("evil", 1_736_000_000.0, action("action_clarify")),
        ("evil", 1_736_000_000.0, bot("抱歉,我没太明白。您可以这样问:")),
    ]
    write_events(f"sqlite:///{path}", iter([*conversations(3000, seed=5), *hostile]))
    return path


@contextmanager
def console(workdir: Path, env: Dict[str, str]) -> Iterator[Client]:
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        if "ADMIN_TOKEN" not in env:
            mp.delenv("ADMIN_TOKEN", raising=False)
        with running_web(workdir, "http://rasa.example:5005") as base:
            yield Client(base)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return make_store(tmp_path_factory.mktemp("admin") / "tracker.db")


@pytest.fixture(scope="module")
def client(store, tmp_path_factory):
    env = {"ADMIN_TOKEN": TOKEN, "TRACKER_DB_URL": f"sqlite:///{store}"}
    with console(tmp_path_factory.mktemp("web-admin"), env) as c:
        yield c


@pytest.fixture(scope="module")
def disabled(store, tmp_path_factory):
    env = {"TRACKER_DB_URL": f"sqlite:///{store}"}
    with console(tmp_path_factory.mktemp("web-noadmin"), env) as c:
        yield c


@pytest.mark.parametrize("path", ["/admin", "/admin/api/insights", "/admin/export/roles.csv"])
def test_the_console_does_not_exist_without_admin_token(disabled, path):
    assert disabled.get(path, token="").status == 404
    assert disabled.get(path, token=TOKEN).status == 404
    assert disabled.login(TOKEN).status == 404
    assert disabled.get("/healthz").status == 200


def test_without_a_token_there_is_a_login_form(client):
    resp = client.get("/admin")
    assert resp.status == 401
    assert '<form method="post" action="/admin/login">' in resp.text
    assert 'type="password"' in resp.text
    assert resp.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("token", ["wrong", TOKEN + "x", "", TOKEN.upper()])
def test_a_wrong_bearer_token_is_rejected(client, token):
    assert client.get("/admin", token=token).status == 401
    assert client.get("/admin/api/insights", token=token).status == 401


def test_the_bearer_token_opens_the_console(client):
    resp = client.get("/admin", token=TOKEN)
    assert resp.status == 200
    page = resp.text
    for heading in (
        "未回答的问题",
        "会话趋势",
        "最常问的岗位",
        "最常问的主题",
        "各来源文档的回答次数",
    ):
        assert heading in page
    for table in ("clusters", "unanswered", "daily", "channels", "roles", "topics", "sources"):
        assert f'href="/admin/export/{table}.csv"' in page
    assert '<canvas id="chart-daily"' in page and '<canvas id="chart-channels"' in page
    assert '<script src="/static/vendor/chart.umd.min.js"></script>' in page
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in page and " style=" not in page
    assert resp.headers["Cache-Control"] == "no-store"


def test_questions_are_escaped(client):
    total = json.loads(client.get("/admin/api/insights", token=TOKEN).text)["clusters_total"]
    pages = "".join(
        client.get(f"/admin?page={n}", token=TOKEN).text for n in range(1, total // 20 + 2)
    )
    assert XSS not in pages
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in pages


def test_clusters_are_paginated(client):
    api = json.loads(client.get("/admin/api/insights?page=1", token=TOKEN).text)
    assert api["clusters_total"] > 20 and len(api["clusters"]) == 20
    second = json.loads(client.get("/admin/api/insights?page=2", token=TOKEN).text)
    assert second["clusters"][0]["id"] == 21
    assert "第 2 /" in client.get("/admin?page=2", token=TOKEN).text
    assert client.get("/admin?page=abc", token=TOKEN).status == 200
    assert api["charts"]["days"] and {c["channel"] for c in api["charts"]["channels"]} == {
        "rest",
        "wechat",
        "wecom",
    }


def test_login_sets_a_strict_http_only_cookie_that_opens_the_console(client):
    resp = client.login(TOKEN)
    assert resp.status == 303 and resp.headers["Location"] == "/admin"
    cookie = resp.headers["Set-Cookie"]
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/admin", f"Max-Age={SESSION_S}"):
        assert attribute.lower() in cookie.lower(), cookie
    assert TOKEN not in cookie
    pair = cookie.split(";")[0]
    assert client.get("/admin", cookie=pair).status == 200
    assert client.get("/admin/export/roles.csv", cookie=pair).status == 200


def test_a_wrong_login_or_a_forged_cookie_is_rejected(client):
    resp = client.login("wrong")
    assert resp.status == 401 and "Set-Cookie" not in resp.headers
    assert "令牌不正确" in resp.text
    forged = session_value("another-token")
    assert client.get("/admin", cookie=f"kefu_admin={forged}").status == 401
    assert client.get("/admin", cookie="kefu_admin=1.abc").status == 401


def test_sessions_expire():
    value = session_value(TOKEN, now=1000)
    assert session_ok(TOKEN, value, now=1000 + SESSION_S)
    assert not session_ok(TOKEN, value, now=1001 + SESSION_S)
    assert not session_ok("rotated", value, now=1000)


def test_logout_clears_the_cookie(client):
    resp = client.request("POST", "/admin/logout")
    assert resp.status == 303 and "max-age=0" in resp.headers["Set-Cookie"].lower()


def test_csv_export_is_protected_and_well_formed(client):
    assert client.get("/admin/export/unanswered.csv").status == 401
    assert client.get("/admin/export/unanswered.csv", token="wrong").status == 401
    resp = client.get("/admin/export/unanswered.csv", token=TOKEN)
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="unanswered.csv"'
    rows = list(csv.reader(io.StringIO(resp.body.decode("utf-8-sig"))))
    assert rows[0] == ["分组", "时间", "渠道", "原因", "预测意图", "置信度", "问题", "用户(哈希)"]
    assert XSS in {r[6] for r in rows[1:]}  # CSV is data, not HTML: the text stays as typed
    assert not any(r[7].startswith(("evil", "rest-", "wechat-", "wecom-")) for r in rows[1:])
    for name in ("nope.csv", "roles.json", "roles"):
        assert client.get(f"/admin/export/{name}", token=TOKEN).status == 404


def test_the_console_assets_are_served(client):
    for path in ("/static/admin.js", "/static/admin.css"):
        assert client.get(path).status == 200
