"""The demo's traffic: a month of synthetic page views, so the privacy office's totals show
something. Each past day's pseudonyms come from a key made and thrown away here, as the purge does
with real ones; the addresses are from the documentation ranges (RFC 5737, RFC 3849)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import secrets

from django.utils import timezone

from indigomed.traffic.models import Device, PageView
from indigomed.traffic.pseudonym import network_of

PAGES = [("home", 30), ("search", 40), ("practitioner", 25), ("facility", 8), ("book", 6), ("cookie_settings", 2)]
DEVICES = [(Device.PHONE, 55), (Device.DESKTOP, 38), (Device.TABLET, 7)]
BROWSERS = [("Chrome", 45), ("Safari", 30), ("Firefox", 10), ("Edge", 8), ("Samsung Internet", 5), ("Opera", 2)]
REFERRERS = [("", 60), ("www.google.example", 25), ("www.qwant.example", 8), ("forum.example.org", 2)]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def seed_traffic(*, days: int = 30, seed: int = 2016) -> int:
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    today = timezone.now().replace(minute=0, second=0, microsecond=0)
    networks = [f"192.0.2.{i}" for i in range(1, 60)] + [f"2001:db8:{i:x}::1" for i in range(1, 30)]
    rows = []
    for back in range(days, 0, -1):
        key = secrets.token_bytes(32)  # the day's key, gone with the day
        day = today - dt.timedelta(days=back)
        for _ in range(rng.randint(20, 90)):
            network = network_of(rng.choice(networks))
            rows.append(
                PageView(
                    at=day + dt.timedelta(minutes=rng.randint(0, 23 * 60)),
                    network=hmac.new(key, network.encode(), hashlib.sha256).hexdigest(),
                    site="127.0.0.1",
                    device=_pick(rng, DEVICES),  # type: ignore[arg-type]
                    browser=_pick(rng, BROWSERS),
                    referrer=_pick(rng, REFERRERS),
                    page=_pick(rng, PAGES),
                )
            )
    PageView.objects.bulk_create(rows, batch_size=500)
    return len(rows)
