"""The whole path: sources -> facts -> action server -> Rasa REST reply."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "kefu.tar.gz"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


@pytest.fixture(scope="module")
def stack(seeds, tmp_path_factory):
    assert MODEL.exists(), "train first: make train"
    tmp = tmp_path_factory.mktemp("stack")
    action_port, rasa_port = free_port(), free_port()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp / "tracker.db"}"\n',
        encoding="utf-8",
    )
    env = dict(os.environ, KNOWLEDGE_DB=str(seeds.store), SANIC_HOST="127.0.0.1")
    with ExitStack() as stack:
        logs = [stack.enter_context(open(tmp / n, "w")) for n in ("actions.log", "rasa.log")]
        yield from _serve(logs, env, action_port, rasa_port, endpoints)


def _serve(logs, env, action_port, rasa_port, endpoints):
    procs = [
        subprocess.Popen(
            [BIN / "rasa", "run", "actions", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT,
            env=env,
            stdout=logs[0],
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                BIN / "rasa",
                "run",
                "--model",
                str(MODEL),
                "--port",
                str(rasa_port),
                "--interface",
                "127.0.0.1",
                "--credentials",
                str(ROOT / "credentials.yml"),
                "--endpoints",
                str(endpoints),
            ],
            cwd=ROOT,
            env=env,
            stdout=logs[1],
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        wait_until_up(f"http://127.0.0.1:{action_port}/health", procs[0])
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", procs[1])
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def say(base: str, sender: str, text: str) -> list:
    body = json.dumps({"sender": sender, "message": text}).encode()
    req = urllib.request.Request(
        f"{base}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def test_salary_question_is_answered_from_the_fact_store(stack):
    replies = say(stack, "e2e-1", "客服主管工资多少")
    text = "\n".join(r.get("text", "") for r in replies)
    assert "18000-30000元/月" in text
    assert "来源:《客服主管职业发展前景深度分析" in text
    assert any(r.get("custom", {}).get("type") == "salary_ranges" for r in replies)


def test_alias_and_greeting(stack):
    assert "客服职业助手" in say(stack, "e2e-2", "你好")[0]["text"]
    text = say(stack, "e2e-2", "客户体验总监年薪多少")[0]["text"]
    assert "15万-25万元/年" in text


def texts_of(replies: list) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_context_carries_across_turns(stack):
    first = texts_of(say(stack, "e2e-3", "客服主管工资多少"))
    assert "18000-30000元/月" in first
    follow_up = texts_of(say(stack, "e2e-3", "那二线城市呢"))
    assert follow_up.startswith("二线城市客服主管的薪资")
    assert "13000-20000元/月" in follow_up and "18000-30000" not in follow_up
    certs = texts_of(say(stack, "e2e-3", "要考什么证"))
    assert certs.startswith("客服主管的证书") and "PMP" in certs
    source = texts_of(say(stack, "e2e-3", "出处是哪里"))
    assert "《客服主管职业发展前景深度分析" in source and "原文" in source


def test_traditional_question_is_answered_in_traditional(stack):
    reply = texts_of(say(stack, "e2e-4", "客服總監的薪資多少"))
    assert "客服總監的薪資" in reply and "來源" in reply


def test_uncovered_job_is_not_answered_with_a_number(stack):
    say(stack, "e2e-5", "客服主管工资多少")
    reply = texts_of(say(stack, "e2e-5", "程序员工资多少"))
    assert "程序员" in reply and not any(ch.isdigit() for ch in reply)
