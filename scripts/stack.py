"""Start the real action server and Rasa server on free loopback ports, for tests and benchmarks.

`make run` uses honcho and the fixed ports; this starts the same two commands
with private ports, tracker store and fact store, so it never collides with a
running assistant.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Sequence

import yaml

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "kefu.tar.gz"
BIN = Path(sys.executable).parent
# The Rasa server as `make run` starts it: Rasa's CLI behind our speed fix.
RASA_SERVER = (sys.executable, "-m", "bot.server")
# The conversation store `make run` uses (endpoints.yml), put on a private SQLite file.
TRACKER_STORE = yaml.safe_load((ROOT / "endpoints.yml").read_text())["tracker_store"]["type"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 300) -> float:
    """Seconds until `url` answers; raises if the process dies or time runs out.

    Five minutes: loading the model on a busy 2-core machine has taken over two.
    """
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return time.monotonic() - started
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(url)


# What each Sanic worker of the Rasa server logs once its model is loaded (rasa.core.run).
WORKER_READY = "Rasa server is up and running."


def wait_for_workers(
    log: Path, workers: int, proc: subprocess.Popen, timeout: float = 300
) -> float:
    """Seconds until `workers` workers have logged WORKER_READY in `log`."""
    started = time.monotonic()
    while log.read_text(encoding="utf-8", errors="replace").count(WORKER_READY) < workers:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"fewer than {workers} workers ready")
        time.sleep(0.1)
    return time.monotonic() - started


@dataclass
class Stack:
    url: str
    action_url: str
    workdir: Path
    rasa_ready_s: float
    actions_ready_s: float
    procs: Dict[str, subprocess.Popen]
    commands: Dict[str, List[str]] = field(default_factory=dict)
    env: Dict[str, str] = field(default_factory=dict)


def lock_store(redis_url: str | None) -> tuple[str, Dict[str, str]]:
    """endpoints.workers.yml's Redis lock store block and the variables it reads for
    `redis_url` (what `make run WORKERS=N REDIS_URL=...` uses); ("", {}) for none."""
    if not redis_url:
        return "", {}
    from scripts.endpoints_env import scale_env

    text = (ROOT / "endpoints.workers.yml").read_text(encoding="utf-8")
    return text[text.index("\nlock_store:") + 1 :], scale_env({"REDIS_URL": redis_url})


@contextmanager
def running_stack(
    workdir: Path,
    store: Path,
    model: Path = MODEL,
    cors: Sequence[str] = (),
    api_token: str | None = None,
    redis_url: str | None = None,
    workers: int = 1,
) -> Iterator[Stack]:
    """The two servers, up and answering; both are stopped on exit.

    `api_token` turns on Rasa's HTTP API (e.g. /model/parse), guarded by that token.
    `redis_url` adds Rasa's Redis lock store, which `workers` > 1 Sanic workers need.
    """
    if not model.exists():
        raise FileNotFoundError(f"{model} is missing: run `make train` first")
    action_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    lock_block, lock_env = lock_store(redis_url)
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f"tracker_store:\n  type: {TRACKER_STORE}\n"
        f'  dialect: "sqlite"\n  db: "{workdir / "tracker.db"}"\n' + lock_block,
        encoding="utf-8",
    )
    env = dict(os.environ, KNOWLEDGE_DB=str(store), SANIC_HOST="127.0.0.1", **lock_env)
    env["SANIC_WORKERS"] = str(workers)
    env.pop("RASA_ENABLE_API", None)
    if api_token:  # through the environment, as `make run` does it (bot.server)
        env.update(RASA_ENABLE_API="true", RASA_AUTH_TOKEN=api_token)
    rasa = str(BIN / "rasa")
    commands = {
        "actions": [rasa, "run", "actions", "--actions", "actions", "--port", str(action_port)],
        "rasa": [
            *RASA_SERVER, "run", "--interface", "127.0.0.1", "--model", str(model),
            "--port", str(rasa_port), "--credentials", str(ROOT / "credentials.yml"),
            "--endpoints", str(endpoints), *(["--cors", *cors] if cors else []),
        ],
    }  # fmt: skip
    with ExitStack() as stack:
        procs = {}
        for name, command in commands.items():
            log = stack.enter_context(open(workdir / f"{name}.log", "w"))
            procs[name] = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
            stack.callback(lambda name=name: _stop(procs[name]))  # also a restarted one
        actions_s = wait_until_up(f"http://127.0.0.1:{action_port}/health", procs["actions"])
        rasa_s = wait_until_up(f"http://127.0.0.1:{rasa_port}/", procs["rasa"])
        if workers > 1:  # the first worker answers; the others may still be loading the model
            rasa_s += wait_for_workers(workdir / "rasa.log", workers, procs["rasa"])
        yield Stack(
            f"http://127.0.0.1:{rasa_port}",
            f"http://127.0.0.1:{action_port}",
            workdir,
            rasa_s,
            actions_s,
            procs,
            commands,
            env,
        )


def restart(stack: Stack, name: str = "rasa") -> float:
    """Stop one server and start it again: same command, port, tracker DB and fact store.

    For fault tests (a conversation must survive a restart); seconds until it answers.
    """
    _stop(stack.procs[name])
    with open(stack.workdir / f"{name}.log", "a") as log:
        stack.procs[name] = subprocess.Popen(
            stack.commands[name], cwd=ROOT, env=stack.env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"{stack.url}/" if name == "rasa" else f"{stack.action_url}/health"
    return wait_until_up(url, stack.procs[name])


@contextmanager
def running_web(workdir: Path, rasa_url: str, port: int = 0) -> Iterator[str]:
    """The widget's web app on a loopback port (a free one by default); yields its base URL."""
    port = port or free_port()
    env = dict(os.environ, RASA_URL=rasa_url, WEB_HOST="127.0.0.1", WEB_PORT=str(port))
    with open(workdir / "web.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.web"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", proc, timeout=30)
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(proc)


def _tree(pid: int) -> List[int]:
    """`pid` and its descendants (Sanic workers are children of the server's process)."""
    pids, index = [pid], 0
    while index < len(pids):
        for task in Path(f"/proc/{pids[index]}/task").glob("*/children"):
            try:
                pids += [int(child) for child in task.read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue
        index += 1
    return pids


def _proc_files(proc: subprocess.Popen, name: str) -> List[str]:
    """/proc/PID/`name` of a process and its children; one that just exited is skipped."""
    texts = []
    for pid in _tree(proc.pid):
        try:
            texts.append(Path(f"/proc/{pid}/{name}").read_text())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return texts


def rss_mb(proc: subprocess.Popen) -> tuple[float, float]:
    """(current, peak) resident memory of a process and its children in MB, from /proc."""
    current = peak = 0.0
    for status in _proc_files(proc, "status"):
        fields = {}
        for line in status.splitlines():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        current += int(fields["VmRSS"].split()[0]) / 1024
        peak += int(fields["VmHWM"].split()[0]) / 1024
    return current, peak


def pss_mb(proc: subprocess.Popen) -> float:
    """Proportional set size of a process and its children in MB, from /proc.

    Summed RSS counts a page shared by forked Sanic workers (the libraries, the
    interpreter) once per process; PSS splits it among them, so the sum is the
    memory the processes occupy together.
    """
    total = 0
    for rollup in _proc_files(proc, "smaps_rollup"):
        total += sum(
            int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")
        )
    return total / 1024


def cpu_s(proc: subprocess.Popen) -> float:
    """CPU seconds (user + system) of a process and its children, from /proc.

    Robust to a busy machine, unlike wall-clock time.
    """
    total = 0
    for stat in _proc_files(proc, "stat"):
        fields = stat.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def say(url: str, sender: str, text: str, timeout: float = 30) -> list:
    """One message through the REST channel; the bot's replies."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())
