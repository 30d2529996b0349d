"""Search over HTTP at national scale: requests/s and p95 latency (targets: >= 300/s, p95 <= 50 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_bench .venv/bin/python bench/search_http.py

Run bench/generate.py on that database first. The server is gunicorn (2 sync workers, one per
core) on PostgreSQL; the load is wrk on the same machine, cycling through a mix of realistic
searches (specialty or reason, ZIP code or point, plan, language, sort, availability window).
Each figure is the median of several runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import gunicorn, medians, wrk


def search_paths(database_url: str, count: int, seed: int) -> list[str]:
    import psycopg

    rng = random.Random(seed)
    with psycopg.connect(database_url) as conn:
        specialties = [r[0] for r in conn.execute("SELECT slug FROM directory_specialty")]
        reasons = [r[0] for r in conn.execute("SELECT slug FROM directory_visitreason")]
        plans = [
            r[0]
            for r in conn.execute(
                "SELECT p.slug FROM directory_insuranceplan p "
                "JOIN directory_insurancecarrier c ON c.id = p.carrier_id WHERE c.country='US'"
            )
        ]
        zips = [
            r[0]
            for r in conn.execute(
                "SELECT postal_code FROM directory_facility WHERE country = 'US' ORDER BY random() LIMIT 500"
            )
        ]
        points = list(conn.execute("SELECT latitude, longitude FROM directory_facility ORDER BY random() LIMIT 200"))
    if not zips:
        sys.exit("No data: run bench/generate.py against this database first.")
    today = dt.date.today()
    paths = []
    for _ in range(count):
        params: dict[str, object] = {"what": rng.choice(specialties + reasons)}
        if rng.random() < 0.8:
            params["postal_code"] = rng.choice(zips)
        else:
            lat, lng = rng.choice(points)
            params.update(latitude=round(lat, 4), longitude=round(lng, 4))
        if rng.random() < 0.3:
            params["plan"] = rng.choice(plans)
        if rng.random() < 0.2:
            params["language"] = rng.choice(["es", "fr", "zh"])
        if rng.random() < 0.3:
            start = today + dt.timedelta(days=rng.randint(1, 14))
            params.update(available_from=start.isoformat(), available_to=(start + dt.timedelta(days=7)).isoformat())
        if rng.random() < 0.3:
            params["sort"] = "distance"
        params["radius_km"] = rng.choice([25, 50, 100])
        paths.append("/api/search?" + urlencode(params))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/generate.py filled.")
    paths = search_paths(database_url, 400, seed=11)
    with gunicorn(database_url, workers=args.workers) as base:
        wrk(base, paths, connections=args.connections, seconds=5)  # warm-up: connections, caches
        loaded = medians(
            [wrk(base, paths, connections=args.connections, seconds=args.seconds) for _ in range(args.runs)]
        )
        single = medians([wrk(base, paths, connections=1, seconds=args.seconds) for _ in range(args.runs)])
    print(
        f"search over HTTP, {len(paths)} distinct queries, gunicorn {args.workers} workers, median of {args.runs} runs"
    )
    print(
        f"  throughput at {args.connections} connections: {loaded['rps']:.0f} requests/s "
        f"(p50 {loaded['p50_ms']:.1f} ms, p95 {loaded['p95_ms']:.1f} ms, errors {loaded['errors']:.0f})  target >= 300/s"
    )
    print(
        f"  latency, one client:        p50 {single['p50_ms']:.1f} ms, p95 {single['p95_ms']:.1f} ms, "
        f"p99 {single['p99_ms']:.1f} ms ({single['rps']:.0f} requests/s)  target p95 <= 50 ms"
    )


if __name__ == "__main__":
    main()
