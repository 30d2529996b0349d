"""The worker's sweep of traffic data: page views past the policy's window deleted, and every
day key whose day is over deleted, so that no stored hash can be recomputed (TRAFFIC-1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from indigomed.traffic.models import DayKey, PageView
from indigomed.traffic.pseudonym import forget_keys
from indigomed.traffic.retention import cutoff


@dataclass(frozen=True, slots=True)
class Purged:
    page_views: int
    keys: int
    before: dt.datetime


def purge_traffic(now: dt.datetime | None = None) -> Purged:
    moment = now or timezone.now()
    before = cutoff(moment)
    with transaction.atomic():
        views, _ = PageView.objects.filter(at__lt=before).delete()
        keys, _ = DayKey.objects.filter(day__lt=moment.date()).delete()
    forget_keys()
    return Purged(page_views=views, keys=keys, before=before)
