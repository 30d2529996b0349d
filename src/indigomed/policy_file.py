"""The policy file as text: where it is, the line of each mistake, and the rules about members
themselves that rooms below ``privacy`` read — how old one must be to join (CHILD-1) and which
jurisdiction a country or region belongs to (USE-2).

``privacy.policy`` compiles the whole file (purposes, recipients, jurisdictions) and runs this
module's checks with its own at start-up, so a mistake here also stops the platform. The age gate
lives in ``accounts``, below ``privacy`` in the import-linter layers: it reads its numbers here
rather than through ``privacy``, and the file keeps one parser for each section.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from indigomed.errors import PolicyError

DEFAULT_POLICY = Path(__file__).resolve().parent / "privacy" / "data" / "policy.toml"

# The floors (in [jurisdictions.*.floors]) and the notice setting the age gate reads.
MINIMUM_AGE = "minimum_member_age"
PARENTAL_CONSENT_AGE = "parental_consent_age"
PLACE_KEYS = {"jurisdiction": str, "regions": dict}
# The top-level sections this module reads and checks; [notice] and [jurisdictions] are privacy's.
MEMBER_SECTIONS = frozenset({"places"})
COUNTRY = re.compile(r"[A-Z]{2}")  # ISO 3166-1 alpha-2, as members give it
REGION = re.compile(r"[A-Z0-9]{1,3}")  # ISO 3166-2 subdivision, without its country


def policy_path() -> Path:
    return Path(getattr(settings, "PRIVACY_POLICY_FILE", "") or DEFAULT_POLICY)


class Lines:
    """Finds the line of a table or key in the raw text, for error messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def of(self, table: str, key: str | None = None) -> int:
        header = re.compile(rf"^\s*\[{re.escape(table)}\]\s*(#.*)?$")
        start = next((i for i, line in enumerate(self.lines) if header.match(line)), None)
        if start is None:
            return 1
        if key is None:
            return start + 1
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start + 1, len(self.lines)):
            if self.lines[i].lstrip().startswith("["):
                break
            if pattern.match(self.lines[i]):
                return i + 1
        return start + 1


def fail(source: str, line: int, message: str) -> PolicyError:
    return PolicyError(f"{source}, line {line}: {message}")


def check_keys(
    source: str, lines: Lines, table: str, data: dict[str, Any], allowed: Mapping[str, type], required: set[str]
) -> None:
    for key, value in data.items():
        if key not in allowed:
            raise fail(source, lines.of(table, key), f"unknown setting {key!r} in [{table}]")
        expected = allowed[key]
        if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise fail(source, lines.of(table, key), f"{key!r} must be a whole number")
        if expected is not int and not isinstance(value, expected):
            raise fail(source, lines.of(table, key), f"{key!r} must be a {expected.__name__}")
    for key in sorted(required - data.keys()):
        raise fail(source, lines.of(table), f"[{table}] lacks {key!r}")


def jurisdiction_chain(code: str, specs: Mapping[str, Mapping[str, Any]], source: str, lines: Lines) -> tuple[str, ...]:
    """``code`` and its ancestors, the farthest first, so that a nearer jurisdiction's rules override."""
    chain: list[str] = []
    current: str | None = code
    while current is not None:
        if current in chain:
            raise fail(
                source, lines.of(f"jurisdictions.{code}", "parent"), f"jurisdiction {code!r} is its own ancestor"
            )
        if current not in specs:
            raise fail(
                source, lines.of(f"jurisdictions.{chain[-1]}", "parent"), f"unknown parent jurisdiction {current!r}"
            )
        chain.append(current)
        current = specs[current].get("parent")
    return tuple(reversed(chain))


@dataclass(frozen=True, slots=True)
class Ages:
    """Who may hold an account in a jurisdiction, in whole years on the day of sign-up."""

    minimum: int
    # Below this age a parent's consent is needed alongside the member's own; None: never.
    parental_consent: int | None


@dataclass(frozen=True)
class Places:
    """Which jurisdiction's rules apply where a member lives."""

    default: str
    countries: Mapping[str, str]
    regions: Mapping[tuple[str, str], str]

    def jurisdiction_of(self, country: str, region: str = "") -> str:
        """A listed region's own jurisdiction, else its country's, else the default."""
        country, region = country.strip().upper(), region.strip().upper()
        return self.regions.get((country, region)) or self.countries.get(country) or self.default


@dataclass(frozen=True)
class MemberRules:
    places: Places
    ages: Mapping[str, Ages]

    def ages_where(self, country: str, region: str = "") -> Ages:
        return self.ages[self.places.jurisdiction_of(country, region)]


def parse_member_rules(raw: Mapping[str, Any], lines: Lines, source: str) -> MemberRules:
    """The ages and places of parsed policy text; ``PolicyError`` naming the line of a place that
    names an unknown jurisdiction, or of a malformed entry.

    A jurisdiction's minimum age is the higher of the notice's and the law's (its own floor or its
    nearest ancestor's): the more protective applies."""
    specs: Mapping[str, Mapping[str, Any]] = raw.get("jurisdictions", {})
    places = _parse_places(raw, specs, lines, source)
    promised = raw.get("notice", {}).get(MINIMUM_AGE, 0)
    ages = {}
    for code in specs:
        floors: dict[str, int] = {}
        for link in jurisdiction_chain(code, specs, source, lines):
            floors.update(specs[link].get("floors", {}))
        ages[code] = Ages(max(promised, floors.get(MINIMUM_AGE, 0)), floors.get(PARENTAL_CONSENT_AGE))
    return MemberRules(places=places, ages=ages)


def _parse_places(raw: Mapping[str, Any], specs: Mapping[str, Any], lines: Lines, source: str) -> Places:
    if "places" not in raw:
        raise fail(source, 1, "the policy lacks [places]")
    table: dict[str, Any] = dict(raw["places"])

    def known(code: Any, line: int) -> str:
        if not isinstance(code, str) or code not in specs:
            raise fail(source, line, f"places names unknown jurisdiction {code!r}")
        return code

    if "default" not in table:
        raise fail(source, lines.of("places"), "[places] lacks 'default'")
    default = known(table.pop("default"), lines.of("places", "default"))
    countries: dict[str, str] = {}
    regions: dict[tuple[str, str], str] = {}
    for country, spec in table.items():
        name = f"places.{country}"
        if not COUNTRY.fullmatch(country) or not isinstance(spec, dict):
            line = lines.of(name) if isinstance(spec, dict) else lines.of("places", country)
            raise fail(source, line, f"{country!r} is not a country table like [places.US]")
        check_keys(source, lines, name, spec, PLACE_KEYS, {"jurisdiction"})
        countries[country] = known(spec["jurisdiction"], lines.of(name, "jurisdiction"))
        for region, code in spec.get("regions", {}).items():
            if not REGION.fullmatch(region):
                raise fail(source, lines.of(name, "regions"), f"{region!r} is not a region code like 'OH'")
            regions[(country, region)] = known(code, lines.of(name, "regions"))
    return Places(default=default, countries=countries, regions=regions)


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> MemberRules:
    text = Path(path).read_text(encoding="utf-8")
    source = os.path.basename(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: {exc}") from exc
    return parse_member_rules(raw, Lines(text), source)


def member_rules() -> MemberRules:
    """The ages and places of the policy file in force, read once per file version."""
    path = policy_path()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise PolicyError(f"The policy file {path.name} is missing.") from exc
    return _load(str(path), mtime)
