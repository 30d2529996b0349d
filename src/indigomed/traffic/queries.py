"""What the operator sees of traffic data: totals only, small ones hidden (TRAFFIC-1).

No row, network hash or time of a single visit ever leaves this module. Each total below
``SMALLEST_SHOWN`` reads "<5": a page opened once on a rare browser from a rare site could
otherwise point at one person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from indigomed.traffic.models import Device, PageView

SMALLEST_SHOWN = 5
# How many rows each breakdown shows, the largest first.
TOP = 20


def shown(count: int) -> str:
    return f"<{SMALLEST_SHOWN}" if count < SMALLEST_SHOWN else str(count)


@dataclass(frozen=True, slots=True)
class Total:
    label: str
    views: str
    # Distinct networks; only meaningful within one day (each day has its own key).
    networks: str = ""


@dataclass(frozen=True)
class Summary:
    since: dt.date
    until: dt.date
    views: str
    days: list[Total]
    pages: list[Total]
    devices: list[Total]
    browsers: list[Total]
    referrers: list[Total]
    sites: list[Total]


def _by(rows: QuerySet[PageView], field: str, labels: dict[str, str] | None = None) -> list[Total]:
    grouped = rows.values(field).annotate(n=Count("id")).order_by("-n", field)[:TOP]
    return [Total((labels or {}).get(g[field], g[field]) or "—", shown(g["n"])) for g in grouped]


def summary(*, since: dt.date, until: dt.date) -> Summary:
    """Totals of page views from ``since`` to ``until`` (UTC days, both included)."""
    rows = PageView.objects.filter(at__date__gte=since, at__date__lte=until)
    days = (
        rows.annotate(day=TruncDate("at"))
        .values("day")
        .annotate(n=Count("id"), networks=Count("network", distinct=True))
        .order_by("-day")
    )
    return Summary(
        since=since,
        until=until,
        views=shown(rows.count()),
        days=[Total(d["day"].isoformat(), shown(d["n"]), shown(d["networks"])) for d in days],
        pages=_by(rows, "page"),
        devices=_by(rows, "device", {str(k): str(v) for k, v in Device.choices}),
        browsers=_by(rows, "browser"),
        referrers=_by(rows.exclude(referrer=""), "referrer"),
        sites=_by(rows, "site"),
    )
