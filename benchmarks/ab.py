"""Before/after of the Rasa server between two commits, alternated (`make bench-ab BEFORE=REV`).

This machine's speed drifts by up to 2x within an hour, so two runs minutes apart say little;
this alternates the two servers ROUNDS times on the same action server and load: 1 user x 20
conversations, then 32 users x 2 conversations. The "before" server runs from a git worktree
of REV with that commit's own endpoints (tracker store type); the "after" server runs from
this tree. Both load models/kefu.tar.gz unless BEFORE_MODEL names the model REV trained (for
a change to config.yml or the data). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List

import yaml

from benchmarks.load import run_load
from benchmarks.stats import percentile
from bot.knowledge.paths import store_path
from scripts.stack import MODEL, ROOT, _stop, cpu_s, free_port, wait_until_up

LEVELS = ((1, 20), (32, 2))  # (users, conversations per user)


def _endpoints(tree: Path, workdir: Path, action_url: str) -> Path:
    tracker = yaml.safe_load((tree / "endpoints.yml").read_text())["tracker_store"]["type"]
    path = workdir / "endpoints.yml"
    path.write_text(
        f'action_endpoint:\n  url: "{action_url}"\ntracker_store:\n  type: {tracker}\n'
        f'  dialect: "sqlite"\n  db: "{workdir / "tracker.db"}"\n',
        encoding="utf-8",
    )
    return path


def _measure(tree: Path, model: Path, workdir: Path, action_url: str) -> Dict[str, float]:
    port = free_port()
    command = [
        sys.executable, "-m", "bot.server", "run", "--interface", "127.0.0.1", "--model",
        str(model), "--port", str(port), "--credentials", str(tree / "credentials.yml"),
        "--endpoints", str(_endpoints(tree, workdir, action_url)),
    ]  # fmt: skip
    with open(workdir / "rasa.log", "w") as log:
        proc = subprocess.Popen(command, cwd=tree, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/", proc)
        asyncio.run(run_load(url, 1, 1, 60))  # warm-up
        figures = {}
        for users, conversations in LEVELS:
            before = cpu_s(proc)
            result = asyncio.run(run_load(url, users, conversations, 120))
            n = max(len(result.latencies_ms), 1)
            figures[f"{users}u cpu"] = (cpu_s(proc) - before) * 1000 / n
            figures[f"{users}u p50"] = percentile(result.latencies_ms, 50)
            figures[f"{users}u rps"] = result.replies_per_s
            figures[f"{users}u errors"] = result.errors + result.empty
        return figures
    finally:
        _stop(proc)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="a commit, e.g. 4f0a5b4")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--before-model", type=Path, default=MODEL, help="default: the same")
    args = parser.parse_args(argv)
    runs: Dict[str, List[Dict[str, float]]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "-f", "-q", str(old), args.before],
                       cwd=ROOT, check=True)  # fmt: skip
        action_port = free_port()
        env = dict(os.environ, KNOWLEDGE_DB=str(store_path()), SANIC_HOST="127.0.0.1")
        actions = subprocess.Popen(
            [str(Path(sys.executable).parent / "rasa"), "run", "actions", "--actions", "actions",
             "--port", str(action_port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{action_port}/health", actions)
            action_url = f"http://127.0.0.1:{action_port}/webhook"
            for r in range(args.rounds):
                for side, tree, model in (
                    ("before", old, args.before_model.resolve()),
                    ("after", ROOT, MODEL),
                ):
                    workdir = Path(tmp) / f"{side}-{r}"
                    workdir.mkdir()
                    runs[side].append(_measure(tree, model, workdir, action_url))
                    print(side, r + 1, runs[side][-1], flush=True)
        finally:
            _stop(actions)
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT)
    for key in runs["before"][0]:
        cells = [
            f"{side} {statistics.median(v):.1f} ({min(v):.1f}–{max(v):.1f})"
            for side in ("before", "after")
            for v in [[run[key] for run in runs[side]]]
        ]
        print(f"{key:10s} " + "  ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
