"""Search over HTTP at national scale: requests/s and p95 latency (targets: >= 300/s, p95 <= 50 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/indigomed_bench .venv/bin/python bench/search_http.py
    DATABASE_URL=... .venv/bin/python bench/search_http.py --compare main   # beside another version

Run bench/generate.py on that database first. The server is gunicorn (2 sync workers, one per
core) on PostgreSQL; the load is wrk on the same machine, cycling through a mix of realistic
searches (specialty or reason, ZIP code or point, plan, language, sort, availability window).
The free-text mix replaces the specialty of 60 % of those searches with words typed in the search
box: a family name, a given and family name, a specialty or reason in words, or a name with a
specialty. Each figure is the median of several runs.

With ``--compare REF`` the same searches are also served by the code of git revision REF (unpacked
into a temporary folder), alternating versions run by run, so both figures share the machine's
load of the moment. The database must carry this version's migrations; an older version ignores
the tables it does not know.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import ExitStack
from io import BytesIO
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, gunicorn, medians, wrk

# How people type names and specialties: as written, lower case without accents, or in capitals.
SPECIALTY_WORDS = ["cardiology", "cardiologist", "dermatologist", "pediatrics", "knee pain", "migraine", "dentist"]


def typed(name: str, rng: random.Random) -> str:
    from indigomed.search.text import fold

    return rng.choice([name, fold(name), name.upper()])


def search_paths(database_url: str, count: int, seed: int, *, free_text: bool) -> list[str]:
    import psycopg

    from indigomed.demo import catalogue as c

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
    given_names = c.GIVEN_NAMES["female"] + c.GIVEN_NAMES["male"]
    today = dt.date.today()
    paths = []
    for _ in range(count):
        params: dict[str, object] = {"what": rng.choice(specialties + reasons)}
        if free_text and rng.random() < 0.6:
            del params["what"]
            kind = rng.random()
            family = typed(rng.choice(c.FAMILY_NAMES), rng)
            if kind < 0.35:
                params["text"] = family
            elif kind < 0.55:
                params["text"] = f"{typed(rng.choice(given_names), rng)} {family}"
            elif kind < 0.85:
                params["text"] = rng.choice(SPECIALTY_WORDS)
            else:
                params["text"] = f"{family} {rng.choice(SPECIALTY_WORDS)}"
        if rng.random() < 0.8:
            # The benchmark's ZIP codes are American: say so, as a client that knows the country does.
            params.update(postal_code=rng.choice(zips), country="US")
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


def unpack(revision: str, into: Path) -> Path:
    """The ``src`` folder of a git revision, unpacked into a folder."""
    archive = subprocess.run(["git", "archive", revision, "src"], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def ready(base: str, path: str, seconds: int = 300) -> None:
    """Wait until the server answers a search: workers load the application after the port opens."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urlopen(base + path, timeout=30) as response:
                response.read()
            return
        except (OSError, HTTPError):
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def measure(base: str, paths: list[str], args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """One loaded and one single-client run against a warm server."""
    loaded = wrk(base, paths, connections=args.connections, seconds=args.seconds)
    single = wrk(base, paths, connections=1, seconds=args.seconds)
    return {"loaded": loaded, "single": single}


def report(label: str, runs: list[dict[str, dict[str, float]]], args: argparse.Namespace) -> None:
    loaded = medians([run["loaded"] for run in runs])
    single = medians([run["single"] for run in runs])
    print(f"  {label}")
    print(
        f"    throughput at {args.connections} connections: {loaded['rps']:.0f} requests/s "
        f"(p50 {loaded['p50_ms']:.1f} ms, p95 {loaded['p95_ms']:.1f} ms, errors {loaded['errors']:.0f})"
        "  target >= 300/s"
    )
    print(
        f"    latency, one client:        p50 {single['p50_ms']:.1f} ms, p95 {single['p95_ms']:.1f} ms, "
        f"p99 {single['p99_ms']:.1f} ms ({single['rps']:.0f} requests/s)  target p95 <= 50 ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compare", metavar="REF", help="also serve the searches with git revision REF's code")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database bench/generate.py filled.")
    mixes = {
        "specialty mix": search_paths(database_url, 400, seed=11, free_text=False),
        "free-text mix": search_paths(database_url, 400, seed=11, free_text=True),
    }
    with ExitStack() as stack:
        versions = {"this version": ROOT / "src"}
        if args.compare:
            versions = {args.compare: unpack(args.compare, Path(stack.enter_context(tempfile.TemporaryDirectory())))}
            versions["this version"] = ROOT / "src"
        # Every version's server up at once, so that runs can alternate between them.
        servers = {
            version: stack.enter_context(gunicorn(database_url, workers=args.workers, src=src))
            for version, src in versions.items()
        }
        for base in servers.values():
            ready(base, mixes["specialty mix"][0])
            wrk(base, mixes["specialty mix"], connections=args.connections, seconds=5)  # warm-up: connections, caches
        runs: dict[tuple[str, str], list[dict[str, dict[str, float]]]] = {}
        for _ in range(args.runs):
            for version, base in servers.items():
                for mix, paths in mixes.items():
                    if mix == "free-text mix" and version != "this version":
                        continue  # an older version may not read free text
                    runs.setdefault((version, mix), []).append(measure(base, paths, args))
    print(f"search over HTTP, 400 distinct queries, gunicorn {args.workers} workers, median of {args.runs} runs")
    for (version, mix), measured in runs.items():
        report(f"{version}, {mix}:", measured, args)


if __name__ == "__main__":
    main()
