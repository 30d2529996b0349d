"""How long traffic data is kept: the policy file's [traffic] section (TRAFFIC-1).

The window is counted in calendar months, as the CNIL counts it; the file may shorten it, never
lengthen it past the CNIL's thirteen months (a mistake stops the platform, with its line).
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from functools import lru_cache
from pathlib import Path

from indigomed.policy_file import Lines, check_keys, fail, policy_path

TRAFFIC_KEYS = {"retention_months": int, "basis": str}
# CNIL, délibération n° 2020-091 (lignes directrices « cookies et autres traceurs ») and its
# recommendation on audience measurement: trackers and what they collect, thirteen months at most.
LONGEST_MONTHS = 13


def _parse(text: str, source: str) -> int:
    raw = tomllib.loads(text)
    lines = Lines(text)
    table = raw.get("traffic")
    if not isinstance(table, dict):
        raise fail(source, 1, "the policy lacks [traffic] (retention_months, basis)")
    check_keys(source, lines, "traffic", table, TRAFFIC_KEYS, set(TRAFFIC_KEYS))
    months = int(table["retention_months"])
    if not 1 <= months <= LONGEST_MONTHS:
        raise fail(
            source,
            lines.of("traffic", "retention_months"),
            f"'retention_months' must be from 1 to {LONGEST_MONTHS} (the CNIL's limit), not {months}",
        )
    return months


@lru_cache(maxsize=4)
def _months(path: str, mtime_ns: int) -> int:
    return _parse(Path(path).read_text(encoding="utf-8"), os.path.basename(path))


def retention() -> int:
    """Months traffic data is kept; ``PolicyError`` naming the line of a mistake."""
    path = policy_path()
    return _months(str(path), path.stat().st_mtime_ns)


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day when shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last_day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def cutoff(now: dt.datetime) -> dt.datetime:
    """Traffic data from before this moment is past the window."""
    return months_before(now, retention())
