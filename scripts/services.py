"""Debian's Redis, PostgreSQL (15) and nginx, started for a test on loopback in a temp directory.

Each runs in the foreground as our child (nothing is daemonized or installed system-wide),
listens on 127.0.0.1 on a free port, keeps its data and logs under `workdir`, and is
stopped when its context exits. PostgreSQL refuses to run as root, so under root (CI)
initdb and postgres run as the `postgres` system user that the Debian package creates.
"""

from __future__ import annotations

import ctypes
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Sequence

from scripts.stack import ROOT, free_port


def _postgres_bin() -> Path:
    """$PG_BIN, else Debian's newest /usr/lib/postgresql/<version>/bin (15 on bookworm)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = Path("/usr/lib/postgresql").glob("*/bin/initdb")
    bins = [p.parent for p in found if p.parent.parent.name.isdigit()]
    versions = sorted(bins, key=lambda b: int(b.parent.name), reverse=True)
    return versions[0] if versions else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _postgres_bin()
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
PR_SET_PDEATHSIG = 1


def nginx_binary() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def missing_binaries() -> List[str]:
    """The programs the scale test needs that are not installed."""
    missing = [] if shutil.which("redis-server") else ["redis-server"]
    missing += [] if (PG_BIN / "initdb").exists() else [str(PG_BIN / "initdb")]
    return missing + ([] if nginx_binary() else ["nginx"])


def _die_with_parent(sig: int = signal.SIGTERM):
    """A preexec_fn: the child gets `sig` if this process dies, so nothing outlives a crash."""

    def set_pdeathsig() -> None:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, sig)

    return set_pdeathsig


def start(
    command: Sequence[str],
    log: Path,
    env: Dict[str, str] | None = None,
    cwd: Path = ROOT,
    stop_signal: int = signal.SIGTERM,
    **kwargs,
) -> subprocess.Popen:
    """Start `command` in its own process group, output to `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent(stop_signal),
            **kwargs,
        )


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
    """Signal the process group, wait, and kill it if it does not go."""
    if proc.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill(proc)
    # children left in the group (e.g. nginx workers) go too
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL the process group: a crash, not a shutdown."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _wait(check, proc: subprocess.Popen, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            check()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not come up in {timeout:.0f} s") from None
            time.sleep(0.1)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- Redis -----------------------------------------------------------------------------


@contextmanager
def redis_server(workdir: Path, password: str | None = None) -> Iterator[str]:
    """A password-protected redis-server without persistence; yields its redis:// URL."""
    import redis

    password = password or secrets.token_hex(16)
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
        "--save", "", "--appendonly", "no", "--requirepass", password, "--daemonize", "no",
    ]  # fmt: skip
    proc = start(command, workdir / "redis.log", cwd=workdir)
    try:
        client = redis.Redis(host="127.0.0.1", port=port, password=password, socket_timeout=2)
        _wait(client.ping, proc, "redis-server", timeout=20)
        client.close()
        yield f"redis://:{password}@127.0.0.1:{port}/0"
    finally:
        stop(proc)


# --- PostgreSQL --------------------------------------------------------------------------


def _postgres_user() -> Dict[str, object]:
    """Popen arguments that drop root to the `postgres` user (initdb refuses root)."""
    if os.geteuid() != 0:
        return {}
    return {"user": "postgres", "group": "postgres", "extra_groups": []}


@contextmanager
def postgres_server(
    workdir: Path, user: str = "kefu", database: str = "kefu", password: str | None = None
) -> Iterator[str]:
    """A fresh cluster (initdb) with a password login and one database; yields its URL."""
    import psycopg2

    password = password or secrets.token_hex(16)
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / "data"
    pwfile = workdir / "pwfile"
    pwfile.write_text(password + "\n")
    as_postgres = _postgres_user()
    if as_postgres:
        shutil.chown(workdir, "postgres", "postgres")
        shutil.chown(pwfile, "postgres", "postgres")
        workdir.chmod(0o700)
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    subprocess.run(
        [
            str(PG_BIN / "initdb"), "-D", str(data), "-U", user, f"--pwfile={pwfile}",
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-instructions", "--no-sync",
        ],
        cwd=workdir, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        **as_postgres,
    )  # fmt: skip
    pwfile.unlink()
    port = free_port()
    command = [
        str(PG_BIN / "postgres"), "-D", str(data), "-p", str(port), "-k", str(workdir),
        "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=100",
    ]  # fmt: skip
    # SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to leave.
    proc = start(
        command, workdir / "postgres.log", env=env, cwd=workdir, stop_signal=signal.SIGINT,
        **as_postgres,
    )  # fmt: skip
    try:

        def create_database() -> None:
            conn = psycopg2.connect(
                host="127.0.0.1", port=port, user=user, password=password, dbname="postgres"
            )
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{database}"')
            conn.close()

        _wait(create_database, proc, "postgres", timeout=30)
        yield f"postgresql://{user}:{password}@127.0.0.1:{port}/{database}"
    finally:
        stop(proc, signal.SIGINT)


# --- nginx -------------------------------------------------------------------------------

_SERVER_LINE = re.compile(r"^(\s*)server\s+(\S+?)(\s[^;]*)?;[^\n]*\n", re.M)


def render_nginx_conf(template: str, upstreams: Sequence[str], listen: str, workdir: Path) -> str:
    """deploy/nginx.conf with our upstream addresses, listen address and private paths.

    Each `server` line of the `upstream rasa` block is replaced by one line per address in
    `upstreams`, keeping the first line's parameters (max_fails, fail_timeout).
    """
    start_at = template.index("upstream rasa {")
    end_at = template.index("}", start_at)
    block = template[start_at:end_at]
    lines = list(_SERVER_LINE.finditer(block))
    if not lines:
        raise ValueError("deploy/nginx.conf: the upstream block has no server line")
    indent, params = lines[0].group(1), lines[0].group(3) or ""
    servers = "".join(f"{indent}server {address}{params};\n" for address in upstreams)
    block = block[: lines[0].start()] + servers + block[lines[-1].end() :]
    text = template[:start_at] + block + template[end_at:]
    text, listens = re.subn(r"^(\s*)listen\s+80;", rf"\1listen {listen};", text, flags=re.M)
    if listens != 1:
        raise ValueError("deploy/nginx.conf: expected one `listen 80;`")
    text = text.replace("/var/log/nginx/access.log", str(workdir / "access.log"))
    temp_paths = "".join(
        f"    {kind}_temp_path {workdir / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return text.replace("http {\n", "http {\n" + temp_paths, 1)


def nginx_command(conf: Path, workdir: Path, *extra: str) -> List[str]:
    """nginx in the foreground with pid and error log under `workdir`."""
    binary = nginx_binary()
    if not binary:
        raise FileNotFoundError("nginx is not installed")
    error_log = workdir / "error.log"
    return [
        binary, "-p", str(workdir), "-e", str(error_log), "-c", str(conf),
        "-g", f"daemon off; pid {workdir / 'nginx.pid'}; error_log {error_log} warn;",
        *extra,
    ]  # fmt: skip


def write_nginx_conf(workdir: Path, upstreams: Sequence[str], port: int) -> Path:
    """Render deploy/nginx.conf into `workdir` (under root, nginx's workers run as `nobody`
    and need to traverse `workdir` and its parents to reach their temp directories)."""
    workdir.mkdir(parents=True, exist_ok=True)
    conf = workdir / "nginx.conf"
    conf.write_text(
        render_nginx_conf(
            NGINX_CONF.read_text(encoding="utf-8"), upstreams, f"127.0.0.1:{port}", workdir
        ),
        encoding="utf-8",
    )
    return conf


@dataclass
class Nginx:
    url: str
    access_log: Path
    proc: subprocess.Popen


@contextmanager
def nginx_server(workdir: Path, upstreams: Sequence[str]) -> Iterator[Nginx]:
    """deploy/nginx.conf in front of `upstreams` (host:port), on a free loopback port."""
    import urllib.request

    port = free_port()
    conf = write_nginx_conf(workdir, upstreams, port)
    subprocess.run(
        nginx_command(conf, workdir, "-t", "-q"), check=True, capture_output=True, text=True
    )
    proc = start(nginx_command(conf, workdir), workdir / "nginx.out", cwd=workdir)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: urllib.request.urlopen(url + "/", timeout=2).close(), proc, "nginx", 20)
        yield Nginx(url, workdir / "access.log", proc)
    finally:
        # SIGQUIT would wait for open connections; SIGTERM is nginx's fast shutdown.
        stop(proc)
