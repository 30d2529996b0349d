"""Networks pseudonymized under a key that lives one day.

The address is first cut to its network (IPv4 /24, IPv6 /48, as ``accounts.sessions`` shows
networks), so no hash stands for one household's line; the network is then keyed-hashed with
HMAC-SHA256 under the current UTC day's key. The key is made on the day's first page view and
deleted by the next purge once its day is over: from then on, nobody — the operator included — can
tell which network a stored hash stands for, or match it with another day's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets

from django.db import IntegrityError, transaction

from indigomed.traffic.models import DayKey

# This process's copy of the current day's key: one query a day, not one per page.
_known: dict[dt.date, bytes] = {}


def network_of(address: str) -> str:
    """The network an address is in, or "" for what is not an address."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def day_key(day: dt.date) -> bytes:
    """The key of ``day``, made on first use; every process agrees on it through the table."""
    key = _known.get(day)
    if key is not None:
        return key
    found = DayKey.objects.filter(day=day).values_list("key", flat=True).first()
    if found is None:
        try:
            with transaction.atomic():
                DayKey.objects.create(day=day, key=secrets.token_bytes(32))
        except IntegrityError:
            pass  # another process made it first: read theirs
        found = DayKey.objects.filter(day=day).values_list("key", flat=True).get()
    key = bytes(found)
    _known.clear()
    _known[day] = key
    return key


def forget_keys() -> None:
    """Drop this process's copy (the purge deletes the rows; tests change the day)."""
    _known.clear()


def pseudonym(address: str, day: dt.date) -> str:
    """The network's HMAC under the day's key, hex; the same network gives the same value all day."""
    network = network_of(address) or "unknown"
    return hmac.new(day_key(day), network.encode(), hashlib.sha256).hexdigest()
