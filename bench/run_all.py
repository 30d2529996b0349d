"""Every benchmark in one go, on a dedicated PostgreSQL database (created if missing).

    .venv/bin/python bench/run_all.py            # or: make bench

Uses BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/indigomed_bench), fills it
with bench/generate.py unless --skip-generate, then prints the search, booking, request-cycle,
sustained-load (PostgreSQL and the embedded database), privacy and copy figures (the privacy
benchmarks share the database; they only touch the ledger tables; the copy benchmark adds members,
practices and ledger entries of its own, tagged bench-copy).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = "postgres://postgres@127.0.0.1:5432/indigomed_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT)
    import psycopg

    server, _, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url}
    steps = [] if args.skip_generate else [["generate.py"]]
    steps += [["search_http.py"], ["booking_http.py"], ["cycle.py"], ["sustained.py"], ["sustained.py", "--sqlite"]]
    steps += [["privacy_bench.py"], ["copy_bench.py"]]
    for step in steps:
        subprocess.run([sys.executable, str(HERE / step[0]), *step[1:]], env=env, check=True)


if __name__ == "__main__":
    main()
