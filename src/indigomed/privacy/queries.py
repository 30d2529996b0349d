"""Reads of the ledger: the accounting of disclosures (RIGHT-ACCOUNT engine)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from indigomed.directory.models import Facility, Practitioner
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.models import Authorization, CareRelationship, Disclosure, Restriction
from indigomed.privacy.policy import current_policy
from indigomed.privacy.subjects import load_subjects
from indigomed.records.queries import residences
from indigomed.records.vault import Vault


def accounting_window(member_id: int, start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The period an accounting may cover: never older than the look-back (the longer of the
    notice's and the member's jurisdiction's)."""
    subject = load_subjects([member_id])[member_id]
    lookback = dt.timedelta(days=current_policy().accounting_lookback_days(subject.jurisdiction))
    return max(start, timezone.now() - lookback), end


def accounting_for(member_id: int, start: dt.datetime, end: dt.datetime) -> QuerySet[Disclosure]:
    """The disclosures an accounting lists: those its purpose's rule marks for accounting (no
    treatment, payment, operations, authorized or other exempt ones), oldest first."""
    start, end = accounting_window(member_id, start, end)
    return Disclosure.objects.filter(
        member_id=member_id, in_accounting=True, occurred_at__gte=start, occurred_at__lt=end
    ).order_by("occurred_at", "seq")


def care_team_choices(member_id: int) -> list[tuple[str, str]]:
    """(recipient ref, label) of the practitioners and facilities caring for the member."""
    refs = set(CareRelationship.objects.filter(member_id=member_id).values_list("recipient_ref", flat=True))
    team = [
        Recipient.practitioner(p.pk, p.display_name)
        for p in Practitioner.objects.filter(pk__in=Recipient.ids_of("practitioner", refs))
    ]
    team += [
        Recipient.facility(f.pk, f.name) for f in Facility.objects.filter(pk__in=Recipient.ids_of("facility", refs))
    ]
    return sorted(((r.ref, r.label) for r in team), key=lambda choice: choice[1])


def authorizations_of(member_id: int) -> QuerySet[Authorization]:
    return Authorization.objects.filter(member_id=member_id).order_by("-signed_at")


def restrictions_of(member_id: int) -> QuerySet[Restriction]:
    return Restriction.objects.filter(member_id=member_id).order_by("-requested_at")


# Where a member lives, as the clock they read: a country's zone, or a US state's main one.
_STATE_ZONES = {
    "America/New_York": "CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV",
    "America/Chicago": "AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI",
    "America/Denver": "CO ID MT NM UT WY",
    "America/Phoenix": "AZ",
    "America/Los_Angeles": "CA NV OR WA",
    "America/Anchorage": "AK",
    "Pacific/Honolulu": "HI",
    "America/Puerto_Rico": "PR",
}
_ZONE_OF_STATE = {state: zone for zone, states in _STATE_ZONES.items() for state in states.split()}
_ZONE_OF_COUNTRY = {"FR": "Europe/Paris", "US": "America/New_York"}


def member_zone(member_id: int) -> ZoneInfo:
    """The time zone a member's own pages show times in, from where they live."""
    country, region = residences([member_id], Vault.open_many([member_id])).get(member_id, ("US", ""))
    name = _ZONE_OF_STATE.get(region.upper()) if country == "US" else None
    return ZoneInfo(name or _ZONE_OF_COUNTRY.get(country) or str(timezone.get_default_timezone()))


def member_country(member_id: int) -> str:
    """The country a member lives in (ISO code), for how their own pages write times and distances."""
    country, _region = residences([member_id], Vault.open_many([member_id])).get(member_id, ("US", ""))
    return country
