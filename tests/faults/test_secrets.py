"""Secrets come from the environment only, and never reach a log or a committed file.

The e2e part starts the real stack with fake but distinctive secrets in the environment,
talks to it over REST, the Rasa HTTP API (with its token) and signed, encrypted WeChat and
WeCom requests, and then greps every log for the secret values, at the default INFO
level and at DEBUG. The Tencent API is a stand-in on 127.0.0.1 that records what it gets,
so the test also proves the secrets were really used (the token requests carry them).

DATABASE_URL is read only by the insights tool, not by the servers, so it is harmless
here. REDIS_URL switches the WeChat retry cache to Redis: it points at a closed loopback
port (discard, 9), so every cache call fails at once, is logged, and the message is
processed anyway, which is exactly the error path whose log text must not carry the URL.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar, Dict, Iterator, List, Tuple

import pytest

from bot.channels.simulate import Platform
from scripts.stack import ROOT, Stack, restart, running_stack, say


def _aes_key(phrase: bytes) -> str:
    return base64.b64encode(phrase).decode()[:-1]  # 43 characters, as Tencent issues them


ACCESS_TOKEN = "acctok-FAKE-3e9d1c7b5a"
SECRETS = {
    "WECHAT_TOKEN": "wxtok-FAKE-7f3a9c1e52",
    "WECHAT_APP_SECRET": "wxsec-FAKE-5b2d8e41c9",
    "WECHAT_ENCODING_AES_KEY": _aes_key(b"fake-wechat-aes-key-for-tests-01"),
    "WECOM_SECRET": "wcsec-FAKE-0a6f4d2e88",
    "WECOM_TOKEN": "wctok-FAKE-c41b9e7d03",
    "WECOM_ENCODING_AES_KEY": _aes_key(b"fake-wecom--aes-key-for-tests-02"),
    "RASA_AUTH_TOKEN": "rasatok-FAKE-6d2c8b1f47",
    "DATABASE_URL": "postgresql://kefu:dbpw-FAKE-91c3e5a7@127.0.0.1:9/kefu",
    "REDIS_URL": "redis://:redispw-FAKE-4f8a2b6d@127.0.0.1:9/0",
}
PUBLIC = {"WECHAT_APP_ID": "wxfa4e0000c0ffee00", "WECOM_CORP_ID": "wwfa4e0000c0ffee00"}
PUBLIC["WECOM_AGENT_ID"] = "1000002"


def needles() -> Dict[str, str]:
    """Every string whose appearance in a log is a leak: the values, and URL passwords."""
    found = {name: value for name, value in SECRETS.items()}
    for name in ("DATABASE_URL", "REDIS_URL"):
        found[f"{name} password"] = urllib.parse.urlsplit(SECRETS[name]).password or ""
    found["access token"] = ACCESS_TOKEN
    return found


class FakeTencent(BaseHTTPRequestHandler):
    """Token and message-send endpoints of the OA and WeCom APIs; records every request."""

    seen: ClassVar[List[str]] = []
    sent: ClassVar[List[dict]] = []

    def _json(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self._json({"access_token": ACCESS_TOKEN, "expires_in": 7200})

    def do_POST(self) -> None:
        self.seen.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        self.sent.append(json.loads(self.rfile.read(length) or b"{}"))
        self._json({"errcode": 0, "errmsg": "ok"})

    def log_message(self, *args: object) -> None:  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def tencent() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTencent)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module", params=["INFO", "DEBUG"])
def stack(request, seeds, tencent: str, tmp_path_factory) -> Iterator[Tuple[Stack, str]]:
    level = request.param
    env = {
        **SECRETS,
        **PUBLIC,
        "WECHAT_API_BASE_URL": tencent,
        "WECOM_API_BASE_URL": tencent,
        # Replies go out through the customer-service API, so the app secrets are used.
        "WECHAT_REPLY_DEADLINE_S": "0.05",
        "LOG_LEVEL": level,
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        workdir = tmp_path_factory.mktemp(f"secrets-{level.lower()}")
        token = SECRETS["RASA_AUTH_TOKEN"]
        with running_stack(workdir, seeds.store, api_token=token) as running:
            if level == "DEBUG":  # `rasa run actions` ignores LOG_LEVEL; it needs the flag
                running.commands["actions"].append("--debug")
                restart(running, "actions")
            yield running, level


def post_platform(stack: Stack, platform: Platform, line: str) -> str:
    params, body = platform.request(platform.message_fields(line))
    url = f"{stack.url}/webhooks/{platform.name}/webhook?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "text/xml"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


def wait_for_sent(count: int, timeout: float = 60) -> List[dict]:
    deadline = time.monotonic() + timeout
    while len(FakeTencent.sent) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return FakeTencent.sent


@pytest.mark.e2e
def test_no_secret_in_the_logs(stack: Tuple[Stack, str]) -> None:
    running, level = stack
    FakeTencent.seen.clear()
    FakeTencent.sent.clear()
    assert "18000-30000" in say(running.url, "secrets-rest", "客服主管工资多少")[0]["text"]
    url = f"{running.url}/conversations/secrets-rest/tracker"
    with pytest.raises(urllib.error.HTTPError) as refused:  # the API is on, but guarded
        urllib.request.urlopen(url, timeout=30)
    assert refused.value.code == 401
    query = urllib.parse.urlencode({"token": SECRETS["RASA_AUTH_TOKEN"]})
    url = f"{url}?{query}"
    with urllib.request.urlopen(url, timeout=30) as response:
        assert json.loads(response.read())["sender_id"] == "secrets-rest"

    env = {**SECRETS, **PUBLIC}
    wechat = Platform("wechat", env, encrypt=True, user="secrets-wechat")
    wecom = Platform("wecom", env, user="secrets-wecom")
    # An answer over 2000 bytes (two messages) always goes out through the
    # customer-service API, so the app secrets are used however fast Rasa is.
    for platform in (wechat, wecom):
        post_platform(running, platform, "客服专员需要哪些技能")
    sent = wait_for_sent(4)
    per_user = Counter(m.get("touser") for m in sent)
    assert per_user["secrets-wechat"] >= 2 and per_user["secrets-wecom"] >= 2, sent
    assert any("技能" in json.dumps(m, ensure_ascii=False) for m in sent), sent
    seen = "\n".join(FakeTencent.seen)
    assert SECRETS["WECHAT_APP_SECRET"] in seen and SECRETS["WECOM_SECRET"] in seen

    logs = {
        p.name: p.read_text(encoding="utf-8", errors="replace")
        for p in running.workdir.glob("*.log")
    }
    assert {"rasa.log", "actions.log"} <= set(logs)
    if level == "DEBUG":
        assert " DEBUG " in logs["rasa.log"], "LOG_LEVEL=DEBUG did not reach Rasa"
    if level == "DEBUG":
        assert " DEBUG " in logs["actions.log"], "--debug did not reach the action server"
    leaks = [
        f"{name} in {file}: {line}"
        for file, text in logs.items()
        for line in text.splitlines()
        for name, value in needles().items()
        if value and value in line
    ]
    assert not leaks, "\n".join(leaks)


# -- committed files ----------------------------------------------------------------

# Published sample values from Tencent's documentation, used by the crypto tests.
TENCENT_SAMPLES = {
    "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
    "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
}
FAKE = re.compile(r"test|dev|fake|example|dummy|sample|spam|short|placeholder|changeme|password")
SECRET_NAME = r"[A-Z][A-Z0-9_]*(?:TOKEN|SECRET|AES_KEY|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY)"
PATTERNS = {
    "assignment": re.compile(
        rf"""\b{SECRET_NAME}["']?\s*[:=]\s*(["'])(?P<v>[^"'\n]*)\1|\b{SECRET_NAME}=(?P<u>[^\s"'$]+)"""
    ),
    "43-character key": re.compile(
        r"(?<![A-Za-z0-9+/_-])(?P<v>[A-Za-z0-9+/]{43})(?![A-Za-z0-9+/=_-])"
    ),
    "password in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@\"']*:(?P<v>[^@\s/\"']+)@"),
    "yaml secret": re.compile(
        r"^\s*(?:token|secret|app_secret|encoding_aes_key|password|auth_token)\s*:\s*(?P<v>\S.*)$",
        re.MULTILINE,
    ),
}


def looks_fake(value: str) -> bool:
    """A placeholder, a template, an obvious fixture, or too short to be a real secret."""
    value = value.strip().strip("\"'")
    return (
        len(value) < 8
        or value in TENCENT_SAMPLES
        or bool(FAKE.search(value.lower()))
        or bool(re.fullmatch(r"\$\{[A-Z0-9_]+\}", value))
        or any(ch in value for ch in "{}<>[]()")
    )


def committed_files() -> List[Path]:
    """Tracked files plus new ones not ignored: everything a commit could contain.

    tests/ is left out: its values are explicit fixtures (sample keys, fake passwords).
    """
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    names = [n for n in out.split("\0") if n and not n.startswith("tests/")]
    return [ROOT / name for name in names if (ROOT / name).is_file()]


def test_no_committed_file_holds_a_real_looking_secret() -> None:
    found = []
    files = committed_files()
    assert len(files) > 40
    for path in files:
        if path.suffix in {".lock", ".svg", ".png"} or path.name == "package-lock.json":
            continue  # hashes of pinned packages, images
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for kind, pattern in PATTERNS.items():
            if kind == "yaml secret" and path.suffix not in {".yml", ".yaml"}:
                continue
            for match in pattern.finditer(text):
                value = match.group("v") or (match.groupdict().get("u") or "")
                if value and not looks_fake(value):
                    found.append(f"{path.relative_to(ROOT)}: {kind}: {match.group(0)[:80]}")
    assert not found, "\n".join(found)


def test_the_secret_scan_would_catch_a_real_one() -> None:
    """The patterns are not vacuous: realistic values are flagged, fixtures are not."""
    # Assembled at run time, so that this file does not trip its own scan.
    flagged = {
        "WECHAT_APP_SECRET=" + "3f9a1c0e" * 4,
        'WECOM_TOKEN: "' + "Zq8Xk2Lm" * 2 + '"',
        _aes_key(b"R3al!sh-looking-key-material-000"),
        "postgresql://kefu:" + "S3cr3tPw0rd" + "@db.internal:5432/kefu",
    }
    for text in flagged:
        hits = [
            m.group("v") or m.groupdict().get("u")
            for p in PATTERNS.values()
            for m in p.finditer(text)
        ]
        assert any(v and not looks_fake(v) for v in hits), text
    assert looks_fake('"${WECHAT_TOKEN}"') and looks_fake("test-wecom-secret")
