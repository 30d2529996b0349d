"""Traffic data (TRAFFIC-1): one row per page view of a browser that agreed to analytics.

A row names no one: the visitor's network (IPv4 /24, IPv6 /48) is kept only as an HMAC under the
day's key, and the key is deleted once its day is over, so a hash can neither be recomputed from an
address nor linked to another day's. The page is the URL pattern's name, never the path (paths
carry ids), and the referrer is a domain, never an address (queries carry personal data).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _


class DayKey(models.Model):
    """The secret that pseudonymizes networks on one UTC day; deleted when the day is over."""

    day = models.DateField(unique=True)
    key = models.BinaryField()

    def __str__(self) -> str:
        return f"Key of {self.day:%Y-%m-%d}"


class Device(models.TextChoices):
    DESKTOP = "desktop", _("Computer")
    PHONE = "phone", _("Phone")
    TABLET = "tablet", _("Tablet")
    BOT = "bot", _("Robot")
    OTHER = "other", _("Other")


class PageView(models.Model):
    """A page a browser opened, pseudonymized (see the module's docstring)."""

    at = models.DateTimeField(db_index=True)
    # HMAC-SHA256 of the truncated network under the day's key, hex.
    network = models.CharField(max_length=64)
    # Which of the platform's sites was visited (the request's validated host name).
    site = models.CharField(max_length=100)
    device = models.CharField(max_length=10, choices=Device.choices)
    browser = models.CharField(max_length=30)
    # The referring site's host name, "" when none or the site itself.
    referrer = models.CharField(max_length=100, blank=True)
    # The URL pattern's name ("search", "practitioner", "office:home"), never the concrete path.
    page = models.CharField(max_length=100)

    class Meta:
        constraints = [
            # A hash's length: a raw address (at most 39 characters) can never be stored here.
            models.CheckConstraint(condition=Exact(Length("network"), 64), name="traffic_network_is_a_hash"),
            models.CheckConstraint(condition=~Q(page=""), name="traffic_page_is_named"),
        ]

    def __str__(self) -> str:
        return f"{self.page} on {self.at:%Y-%m-%d}"
