"""What a copy of a member's records costs where they live (RIGHT-ACCESS): the policy file's
``[copies]`` rules, checked and read once per file version. The copies themselves are
``privacy.copies``.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indigomed.policy_file import Lines, check_keys, fail, jurisdiction_chain, policy_path
from indigomed.privacy.subjects import load_subjects

FEE_KEYS = {"currency": str, "free_per_year": int, "fee_cents": int}


@dataclass(frozen=True, slots=True)
class FeeRule:
    """What an electronic copy costs where a member lives: the first ``free_per_year`` copies in any
    365 days are free, each later one costs ``fee_cents`` of ``currency``."""

    jurisdiction: str
    currency: str
    free_per_year: int
    fee_cents: int


def _parse_fees(text: str, source: str) -> dict[str, FeeRule]:
    raw = tomllib.loads(text)
    lines = Lines(text)
    table = raw.get("copies")
    if not isinstance(table, dict) or not table:
        raise fail(source, lines.of("copies") if table is not None else 1, "the policy lacks [copies.<jurisdiction>]")
    known = raw.get("jurisdictions", {})
    rules: dict[str, FeeRule] = {}
    for code, spec in table.items():
        name = f"copies.{code}"
        if code not in known:
            raise fail(source, lines.of(name), f"[{name}] names unknown jurisdiction {code!r}")
        if not isinstance(spec, dict):
            raise fail(source, lines.of("copies", code), f"{code!r} must be a table like [copies.us]")
        check_keys(source, lines, name, spec, FEE_KEYS, set(FEE_KEYS))
        for key in ("free_per_year", "fee_cents"):
            if spec[key] < 0:
                raise fail(source, lines.of(name, key), f"{key!r} cannot be negative")
        if not re.fullmatch(r"[A-Z]{3}", spec["currency"]):
            raise fail(source, lines.of(name, "currency"), "'currency' is an ISO 4217 code such as 'USD'")
        rules[code] = FeeRule(code, spec["currency"], spec["free_per_year"], spec["fee_cents"])
    # A jurisdiction without its own line takes its nearest ancestor's; one without any is an error.
    for code in known:
        chain = jurisdiction_chain(code, known, source, lines)
        found = next((rules[link] for link in reversed(chain) if link in rules), None)
        if found is None:
            raise fail(source, lines.of("copies"), f"no [copies] line applies to jurisdiction {code!r}")
        rules.setdefault(code, FeeRule(code, found.currency, found.free_per_year, found.fee_cents))
    return rules


@lru_cache(maxsize=4)
def _fees(path: str, mtime_ns: int) -> dict[str, FeeRule]:
    return _parse_fees(Path(path).read_text(encoding="utf-8"), os.path.basename(path))


def copy_fee_rules() -> dict[str, FeeRule]:
    """Every jurisdiction's fee rule, read once per file version; ``PolicyError`` naming the line of a
    mistake (checked at start-up by the interop room)."""
    path = policy_path()
    return _fees(str(path), path.stat().st_mtime_ns)


def copy_fee_rule(*, member_id: int) -> FeeRule:
    """The fee rule where the member lives."""
    return copy_fee_rules()[load_subjects([member_id])[member_id].jurisdiction]
