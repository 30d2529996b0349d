"""Shared pieces of the HTTP benchmarks: the app servers (gunicorn, granian) on PostgreSQL, wrk, medians."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
OUT = ROOT / "bench" / "out"
# One key for the server and for this process, which signs the benchmark members' sessions.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, stdout=subprocess.DEVNULL)
        path = shutil.which(tool)
    if path is None:
        sys.exit(f"{tool} is required (Debian package {package})")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, src: Path = ROOT / "src") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        PYTHONPATH=str(src),
        DJANGO_SETTINGS_MODULE="indigomed.settings",
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="600",
    )
    return env


def signed_in_session(user, backend: str, **extra: object) -> str:
    """A live session for ``user``, as a sign-in leaves it: the session (signed in and last used
    just now, plus ``extra`` keys) and the record naming it (``accounts.sessions``), through which
    a request reads its user together with its session. Returns the session key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from indigomed.accounts.models import SignedInSession
    from indigomed.accounts.sessions import SEEN_AT, SIGNED_IN_AT, now

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Signed in just now: no request rewrites the session until "last used" is a minute old.
    store[SIGNED_IN_AT] = store[SEEN_AT] = now()
    for name, value in extra.items():
        store[name] = value
    store.create()
    key = store.session_key or ""
    SignedInSession.objects.create(session_key=key, user=user, browser="Benchmark")
    return key


CORES = os.cpu_count() or 1
# The servers ``--server`` can name: gunicorn's sync workers (1, 2 or 3 per core), its threaded
# workers (one per core, 4 or 8 threads each) and granian's WSGI interface (one per core, its Rust
# event loop in front of 1 or 4 Python threads).
SERVERS = ("sync-1", "sync-2", "sync-3", "gthread", "gthread-8", "granian", "granian-4")


def server_command(kind: str, app: str, port: int | str) -> list[str]:
    """The command line that serves the WSGI module ``app`` (its ``application``) on ``port``."""
    name, _, arg = kind.partition("-")
    if name == "sync":
        return gunicorn_command(app, port, workers=CORES * int(arg or 1), threads=1)
    if name == "gthread":
        return gunicorn_command(app, port, workers=CORES, threads=int(arg or 4))
    if name == "granian":
        return [
            *[PYTHON, "-m", "granian", "--interface", "wsgi", f"{app}:application"],
            *["--host", "127.0.0.1", "--port", str(port), "--workers", str(CORES)],
            *["--blocking-threads", arg or "1", "--backlog", "2048", "--log-level", "warning", "--no-ws"],
        ]
    raise ValueError(f"unknown server {kind!r}; one of {', '.join(SERVERS)}")


def gunicorn_command(app: str, port: int | str, *, workers: int, threads: int) -> list[str]:
    return [
        *[PYTHON, "-m", "gunicorn", app, "-b", f"127.0.0.1:{port}", "-w", str(workers), "--threads", str(threads)],
        *["--backlog", "2048", "--log-level", "warning", "--keep-alive", "30"],
    ]


@contextmanager
def serve(command: list[str], env: dict[str, str], log: Path | None = None):
    """Run a server command on a free port (``{port}`` in the command), yield its base URL, stop it.
    With ``log``, what the server writes goes to that file."""
    port = free_port()
    output = log.open("w") if log else None
    process = subprocess.Popen(
        [part.replace("{port}", str(port)) for part in command], env=env, cwd=ROOT, stdout=output, stderr=output
    )
    try:
        deadline = time.time() + 120  # a busy machine imports Django slowly
        while time.time() < deadline and process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.2)
        if process.poll() is not None:
            sys.exit(f"the server did not start: {' '.join(command)}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a worker stuck on a loaded machine: stop it for good
            process.kill()
            process.wait(timeout=20)
        if output:
            output.close()


@contextmanager
def server(database_url: str, kind: str = "sync-1", *, src: Path = ROOT / "src", log: Path | None = None):
    """IndigoMed as in production (DEBUG off, persistent DB connections) behind server ``kind``;
    an empty ``database_url`` serves the embedded database (SQLite) of ``INDIGOMED_VAR_DIR``."""
    with serve(server_command(kind, "indigomed.wsgi", "{port}"), server_env(database_url, src), log) as base:
        yield base


@contextmanager
def gunicorn(database_url: str, *, workers: int = 2, threads: int = 1, src: Path = ROOT / "src"):
    """A production-style server: gunicorn sync workers, DEBUG off, persistent DB connections.
    ``src`` is the code it serves: this checkout's, or another version's for a comparison."""
    command = gunicorn_command("indigomed.wsgi", "{port}", workers=workers, threads=threads)
    with serve(command, server_env(database_url, src)) as base:
        yield base


WRK_LUA = """
local paths = {%s}
local cookies = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local headers = {}
  if #cookies > 0 then headers["Cookie"] = cookies[(counter %% #cookies) + 1] end
  return wrk.format("%s", paths[(counter %% #paths) + 1], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%%d duration_us=%%d socket_errors=%%d non2xx=%%d p50_us=%%d p95_us=%%d p99_us=%%d\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def run_wrk(
    base: str, name: str, lua: str, *, connections: int, seconds: int, threads: int = 1, timeout: int = 30
) -> dict[str, float]:
    """Run wrk with a Lua script whose ``done`` writes a ``RESULT key=value ...`` line; its values."""
    OUT.mkdir(parents=True, exist_ok=True)
    script = OUT / f"{name}.lua"
    script.write_text(lua)
    result = subprocess.run(
        # wrk drops an answer slower than its timeout (2 s by default) from the latencies and counts
        # it as an error: on a loaded machine that hides the slowest requests, so wait 30 s.
        [
            *[need("wrk", "wrk"), "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"],
            *["--timeout", f"{timeout}s", "-s", str(script), base],
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    return {k: float(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def wrk(
    base: str,
    paths: list[str],
    *,
    connections: int,
    seconds: int,
    threads: int = 1,
    cookies: Sequence[str] = (),
    timeout: int = 30,
    method: str = "GET",
) -> dict[str, float]:
    """One wrk run over the paths in turn (each request with the next of ``cookies``, if any: the
    ``Cookie`` header of a signed-in session); requests/s and latency percentiles (ms)."""
    lua = WRK_LUA % (", ".join(f'"{p}"' for p in paths), ", ".join(f'"{c}"' for c in cookies), method)
    values = run_wrk(base, "paths", lua, connections=connections, seconds=seconds, threads=threads, timeout=timeout)
    return {
        "rps": values["requests"] / (values["duration_us"] / 1e6),
        "p50_ms": values["p50_us"] / 1000,
        "p95_ms": values["p95_us"] / 1000,
        "p99_ms": values["p99_us"] / 1000,
        "errors": values["socket_errors"] + values["non2xx"],
    }


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: median(run[key] for run in runs) for key in runs[0]}


def warm_up(base: str, path: str, *, cookies: Sequence[str] = (), connections: int = 8, tries: int = 20) -> None:
    """Until every worker has loaded the application (on its first request, which takes seconds on
    a busy machine): short wrk runs on a cheap path until one has answers, all within a second and
    none timed out (wrk counts only the answers it got: a worker still loading shows as a timeout)."""
    for _ in range(tries):
        run = wrk(base, [path], cookies=cookies, connections=connections, seconds=3, timeout=2)
        if run["rps"] > 0 and run["errors"] == 0 and run["p99_ms"] < 1000:
            return
