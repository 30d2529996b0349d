"""Search latency of two versions, request by request, on the same machine load: ms per search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_bench \
        .venv/bin/python bench/search_paired.py --compare main

The HTTP benchmark (search_http.py) measures the whole stack, but on a busy shared machine its
figures swing with whatever else runs. Here two worker processes, one per version, each answer
``GET /api/search`` through Django's full request cycle (middleware, view, JSON) without a
network, and the driver sends every search of the mix to both in turn, alternating which goes
first. Load that comes and goes then weighs on both versions alike, and the ratio of their
medians says what the change costs. Same mixes and database as search_http.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median, quantiles

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, server_env
from search_http import search_paths, unpack


def worker() -> None:
    """Answer one search per line of standard input with "status milliseconds"."""
    import django

    django.setup()
    from django.test import Client

    client = Client(raise_request_exception=False)
    for line in sys.stdin:
        started = time.perf_counter()
        status = client.get(line.strip()).status_code
        print(f"{status} {(time.perf_counter() - started) * 1000:.3f}", flush=True)


def start(src: Path, database_url: str) -> subprocess.Popen[str]:
    env = server_env(database_url, src)
    return subprocess.Popen(
        [sys.executable, __file__, "--worker"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def ask(process: subprocess.Popen[str], path: str) -> tuple[int, float]:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(path + "\n")
    process.stdin.flush()
    status, ms = process.stdout.readline().split()
    return int(status), float(ms)


def summary(times: list[float]) -> dict[str, float]:
    return {"p50": median(times), "p95": quantiles(times, n=20)[18], "mean": sum(times) / len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", metavar="REF", help="the git revision to compare with (required)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over each mix's 400 searches")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    if not args.compare:
        parser.error("--compare REF is required")
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/generate.py filled.")
    mixes = {
        "specialty mix": search_paths(database_url, 400, seed=11, free_text=False),
        "free-text mix": search_paths(database_url, 400, seed=11, free_text=True),
    }
    with tempfile.TemporaryDirectory() as folder:
        old = start(unpack(args.compare, Path(folder)), database_url)
        new = start(ROOT / "src", database_url)
        times: dict[tuple[str, str], list[float]] = {}
        errors: dict[str, int] = {args.compare: 0, "this version": 0}
        try:
            for path in mixes["specialty mix"][:20]:  # warm-up: connections, caches, imports
                ask(old, path), ask(new, path)
            for _ in range(args.rounds):
                for mix, paths in mixes.items():
                    for i, path in enumerate(paths):
                        pair = [("this version", new), (args.compare, old)]
                        if mix == "free-text mix":
                            pair = pair[:1]  # an older version may not read free text
                        for version, process in pair if i % 2 else reversed(pair):
                            status, ms = ask(process, path)
                            errors[version] += status != 200
                            times.setdefault((version, mix), []).append(ms)
        finally:
            for process in (old, new):
                assert process.stdin is not None
                process.stdin.close()
                process.wait(timeout=60)
    print(f"search through Django's request cycle, one client, 400 searches x {args.rounds} rounds, interleaved")
    results = {key: summary(value) for key, value in times.items()}
    for (version, mix), figures in results.items():
        print(
            f"  {version:>14}, {mix}: p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
            f"mean {figures['mean']:.1f} ms  (HTTP target p95 <= 50 ms)"
        )
    base = results[(args.compare, "specialty mix")]
    for mix in mixes:
        ours = results[("this version", mix)]
        print(
            f"  this version / {args.compare}, {mix}: p50 x{ours['p50'] / base['p50']:.2f}, mean x{ours['mean'] / base['mean']:.2f}"
        )
    print(f"  non-200 answers: {json.dumps(errors)}")


if __name__ == "__main__":
    main()
