"""Shared pieces of the HTTP benchmarks: a gunicorn server on PostgreSQL, wrk, medians."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
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


@contextmanager
def gunicorn(database_url: str, *, workers: int = 2, threads: int = 1, src: Path = ROOT / "src"):
    """A production-style server: gunicorn sync workers, DEBUG off, persistent DB connections.
    ``src`` is the code it serves: this checkout's, or another version's for a comparison."""
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "indigomed.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        env=server_env(database_url, src),
        cwd=ROOT,
    )
    try:
        deadline = time.time() + 120  # a busy machine imports Django slowly
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a worker stuck on a loaded machine: stop it for good
            process.kill()
            process.wait(timeout=20)


WRK_LUA = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%%d duration_us=%%d socket_errors=%%d non2xx=%%d p50_us=%%d p95_us=%%d p99_us=%%d\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def run_wrk(base: str, name: str, lua: str, *, connections: int, seconds: int, threads: int = 1) -> dict[str, float]:
    """Run wrk with a Lua script whose ``done`` writes a ``RESULT key=value ...`` line; its values."""
    OUT.mkdir(parents=True, exist_ok=True)
    script = OUT / f"{name}.lua"
    script.write_text(lua)
    result = subprocess.run(
        [need("wrk", "wrk"), "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    return {k: float(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def wrk(base: str, paths: list[str], *, connections: int, seconds: int, threads: int = 1) -> dict[str, float]:
    """One wrk run over the paths in turn; requests/s and latency percentiles (ms)."""
    lua = WRK_LUA % ", ".join(f'"{p}"' for p in paths)
    values = run_wrk(base, "paths", lua, connections=connections, seconds=seconds, threads=threads)
    return {
        "rps": values["requests"] / (values["duration_us"] / 1e6),
        "p50_ms": values["p50_us"] / 1000,
        "p95_ms": values["p95_us"] / 1000,
        "p99_ms": values["p99_us"] / 1000,
        "errors": values["socket_errors"] + values["non2xx"],
    }


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: median(run[key] for run in runs) for key in runs[0]}
