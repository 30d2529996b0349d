"""Who must be told of a breach, and by when, as the policy file says per jurisdiction (SEC-3).

Each ``[[jurisdictions.<code>.breach]]`` entry is one clock: whom to notify (the members, an
authority, a regulator, the media), within how long of discovery, and from how many people on.
A jurisdiction has its parents' clocks too; for members the strictest one governs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indigomed.policy_file import check_keys, fail

AUDIENCES = ("members", "authority", "regulator", "media")
# How many people a threshold counts: those living in one place (a state, a country's region),
# or every affected member under the jurisdiction that states the clock.
COUNTED = ("place", "jurisdiction")
RULE_KEYS: Mapping[str, type] = {
    "notify": str,
    "label": str,
    "basis": str,
    "within_days": int,
    "within_hours": int,
    "without_undue_delay": bool,
    "after_year_end_days": int,
    "at_least": int,
    "below": int,
    "counted": str,
}


@dataclass(frozen=True, slots=True)
class BreachRule:
    origin: str  # the jurisdiction that states it
    notify: str
    label: str
    basis: str
    within_hours: int | None = None
    without_undue_delay: bool = False
    after_year_end_days: int | None = None
    at_least: int | None = None
    below: int | None = None
    counted: str = "jurisdiction"

    def applies_to(self, count: int) -> bool:
        return (self.at_least is None or count >= self.at_least) and (self.below is None or count < self.below)


def parse_breach_rules(code: str, entries: Any, source: str, lines: Any) -> tuple[BreachRule, ...]:
    table = f"jurisdictions.{code}"
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise fail(source, lines.of(table), f"[[{table}.breach]] must be a list of tables")
    rules = []
    for entry in entries:
        check_keys(source, lines, f"{table}.breach", entry, RULE_KEYS, {"notify", "label", "basis"})
        if entry["notify"] not in AUDIENCES:
            raise fail(source, lines.of(table), f"breach clock notifies {entry['notify']!r}: one of {AUDIENCES}")
        if entry.get("counted", "jurisdiction") not in COUNTED:
            raise fail(source, lines.of(table), f"breach clock counts {entry['counted']!r}: one of {COUNTED}")
        deadlines = [
            k for k in ("within_days", "within_hours", "without_undue_delay", "after_year_end_days") if k in entry
        ]
        if len(deadlines) != 1:
            raise fail(
                source,
                lines.of(table),
                f"a breach clock for {entry['label']!r} needs exactly one deadline, not {deadlines}",
            )
        hours = entry.get("within_hours")
        if "within_days" in entry:
            hours = entry["within_days"] * 24
        rules.append(
            BreachRule(
                origin=code,
                notify=entry["notify"],
                label=entry["label"],
                basis=entry["basis"],
                within_hours=hours,
                without_undue_delay=bool(entry.get("without_undue_delay", False)),
                after_year_end_days=entry.get("after_year_end_days"),
                at_least=entry.get("at_least"),
                below=entry.get("below"),
                counted=entry.get("counted", "jurisdiction"),
            )
        )
    return tuple(rules)
