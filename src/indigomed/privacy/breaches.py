"""Breaches (SEC-3): the office records an incident; the platform finds whom it affected, from
the ledger and the access log; every clock the law starts at discovery is computed for where the
affected members live; the members are told through the outbox; the proof is kept and exported.

Affected members are found by what the incident touched:
- ``platform``: IndigoMed's own stores, so every member who had joined before it ended;
- ``recipient``: a recipient's copy (a partner's, a practice's), so every member whose information
  in the incident's categories the ledger shows disclosed to it before the incident ended;
- ``account``: an account someone else used, so every member whose information in those
  categories the access log shows it looked at during the incident.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from indigomed.accounts.models import Member, User
from indigomed.accounts.roles import load_actor
from indigomed.errors import Conflict, Invalid, NotFound
from indigomed.messaging.queries import Delivery, deliveries_about
from indigomed.messaging.services import queue_breach_notice
from indigomed.privacy import wording
from indigomed.privacy.breach_rules import BreachRule
from indigomed.privacy.models import Disclosure
from indigomed.privacy.policy import current_policy
from indigomed.privacy.subjects import jurisdiction_of
from indigomed.records.queries import residences
from indigomed.records.sign_in_keys import sign_in_key
from indigomed.records.vault import Vault
from indigomed.security.models import AccessLogEntry, Incident, IncidentMember, IncidentReport
from indigomed.security.services import record_event

SUMMARY_MAX = 2000
SYSTEMS_MAX = 200
REFERENCE_MAX = 120


def _officer(user: User) -> None:
    if not load_actor(user).is_privacy_officer:
        raise NotFound(gettext("Only the privacy office handles breaches."))


def _overlaps(categories: str, wanted: frozenset[str]) -> bool:
    return bool(set(categories.split(",")) & wanted)


def affected_members(
    *, scope: str, scope_ref: str, categories: Iterable[str], occurred_from: dt.datetime, occurred_until: dt.datetime
) -> list[int]:
    """The members an incident touched, found from the ledger and the access log (module doc)."""
    wanted = frozenset(categories)
    if scope == Incident.Scope.PLATFORM:
        found = Member.objects.filter(user__date_joined__lte=occurred_until).values_list("user_id", flat=True)
        return sorted(found)
    rows: Iterable[tuple[int, str]]
    if scope == Incident.Scope.RECIPIENT:
        rows = Disclosure.objects.filter(recipient_ref=scope_ref, occurred_at__lte=occurred_until).values_list(
            "member_id", "categories"
        )
    else:
        rows = AccessLogEntry.objects.filter(
            actor_user_id=int(scope_ref.removeprefix("user:")),
            allowed=True,
            at__gte=occurred_from,
            at__lte=occurred_until,
        ).values_list("member_id", "categories")
    return sorted({member_id for member_id, cats in rows if _overlaps(cats, wanted)})


def _scope_ref(scope: str, recipient_ref: str, account_email: str) -> str:
    if scope == Incident.Scope.PLATFORM:
        return ""
    if scope == Incident.Scope.RECIPIENT:
        ref = recipient_ref.strip()
        if not ref or not Disclosure.objects.filter(recipient_ref=ref).exists():
            raise Invalid(gettext("No disclosure was ever made to that recipient."), field="recipient_ref")
        return ref
    if scope == Incident.Scope.ACCOUNT:
        user_id = (
            get_user_model()
            .objects.filter(email=sign_in_key(account_email.strip()))
            .values_list("pk", flat=True)
            .first()
            if account_email.strip()
            else None
        )
        if user_id is None:
            raise Invalid(gettext("No account signs in with that address."), field="account_email")
        return f"user:{user_id}"
    raise Invalid(gettext("Say what the incident touched."), field="scope")


def record_incident(
    *,
    officer: User,
    summary_en: str,
    summary_fr: str,
    systems: str,
    categories: Iterable[str],
    occurred_from: dt.datetime,
    occurred_until: dt.datetime,
    discovered_at: dt.datetime,
    scope: str,
    recipient_ref: str = "",
    account_email: str = "",
    now: dt.datetime | None = None,
) -> Incident:
    """Record an incident and whom it affected, in one transaction with its audit event.

    ``Invalid`` (naming the field) for a discovery in the future or before the incident began, a
    window that ends before it starts, unknown categories, an empty or long text, or a recipient
    or account the platform does not know. ``NotFound`` for anyone but the privacy office.
    ``Conflict`` for an incident recorded already, the same in every field (a form sent twice).
    """
    _officer(officer)
    now = now or timezone.now()
    wanted = sorted(set(categories))
    if not wanted:
        raise Invalid(gettext("Name the information the incident involved."), field="categories")
    unknown = [c for c in wanted if c not in current_policy().categories]
    if unknown:
        raise Invalid(gettext("Unknown category %(unknown)s.") % {"unknown": repr(unknown[0])}, field="categories")
    for name, text in (("summary_en", summary_en), ("summary_fr", summary_fr)):
        if not text.strip() or len(text.strip()) > SUMMARY_MAX:
            raise Invalid(
                gettext("Say what happened in at most %(summary_max)s characters.") % {"summary_max": SUMMARY_MAX},
                field=name,
            )
    if not systems.strip() or len(systems.strip()) > SYSTEMS_MAX:
        raise Invalid(
            gettext("Name the systems involved in at most %(systems_max)s characters.") % {"systems_max": SYSTEMS_MAX},
            field="systems",
        )
    if discovered_at > now:
        raise Invalid(gettext("An incident cannot be discovered in the future."), field="discovered_at")
    if occurred_until > now:
        raise Invalid(
            gettext("Give the time the incident ended, or now if it is still going on."), field="occurred_until"
        )
    if occurred_until < occurred_from:
        raise Invalid(gettext("The incident must end after it begins."), field="occurred_until")
    if discovered_at < occurred_from:
        raise Invalid(gettext("An incident is discovered after it begins."), field="discovered_at")
    ref = _scope_ref(scope, recipient_ref, account_email)
    members = affected_members(
        scope=scope, scope_ref=ref, categories=wanted, occurred_from=occurred_from, occurred_until=occurred_until
    )
    fields = {
        "summary_en": summary_en.strip(),
        "summary_fr": summary_fr.strip(),
        "systems": systems.strip(),
        "occurred_from": occurred_from,
        "occurred_until": occurred_until,
        "discovered_at": discovered_at,
        "scope": scope,
        "scope_ref": ref,
    }
    with transaction.atomic():
        # One officer's submissions one at a time, so a form sent twice finds its first copy.
        get_user_model().objects.select_for_update().filter(pk=officer.pk).first()
        if any(c == wanted for c in Incident.objects.filter(**fields).values_list("categories", flat=True)):
            raise Conflict(gettext("This incident is already recorded; nothing more was recorded."))
        incident = Incident.objects.create(categories=wanted, recorded_by_id=officer.pk, **fields)
        places = residences(members, Vault.open_many(members))
        IncidentMember.objects.bulk_create(
            [
                IncidentMember(
                    incident=incident,
                    member_id=member_id,
                    jurisdiction=jurisdiction_of(*places.get(member_id, ("US", ""))),
                    place="-".join(p for p in places.get(member_id, ("US", "")) if p),
                )
                for member_id in members
            ],
            batch_size=1000,
        )
        record_event(
            actor=officer,
            action="incident.recorded",
            subject_ref=f"incident:{incident.public_id}",
            details={"members": len(members), "scope": scope},
        )
    return incident


def incident(*, officer: User, public_id: str) -> Incident:
    _officer(officer)
    found = Incident.objects.filter(public_id=public_id).first()
    if found is None:
        raise NotFound(gettext("No such incident."))
    return found


def tell_members(*, officer: User, public_id: str) -> int:
    """Queue the notice to every affected member, once; returns how many were queued.

    A second call changes nothing (``Invalid``): each member is told once, and the proof is
    each notice's delivery."""
    found = incident(officer=officer, public_id=public_id)
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=found.pk)
        if locked.members_told_at is not None:
            raise Invalid(gettext("The affected members have already been told."))
        members = list(locked.affected.values_list("member_id", flat=True))
        queued = queue_breach_notice(
            member_ids=members,
            summary_en=locked.summary_en,
            summary_fr=locked.summary_fr,
            discovered_on=timezone.localdate(locked.discovered_at),
            about_ref=f"incident:{locked.public_id}",
            actor_user_id=officer.pk,
        )
        locked.members_told_at = timezone.now()
        locked.save(update_fields=["members_told_at"])
        record_event(
            actor=officer,
            action="incident.members_told",
            subject_ref=f"incident:{locked.public_id}",
            details={"members": queued},
        )
    return queued


def record_report(
    *,
    officer: User,
    public_id: str,
    audience: str,
    reported_at: dt.datetime,
    reference: str,
    now: dt.datetime | None = None,
) -> IncidentReport:
    """The office says it notified someone outside the platform (the CNIL, a regulator, the media).

    ``Conflict`` for the same reference to the same receiver recorded already (a form sent twice)."""
    found = incident(officer=officer, public_id=public_id)
    now = now or timezone.now()
    audiences = {c.audience for c in clocks(found, now=now) if c.notify != "members"}
    if audience not in audiences:
        raise Invalid(
            gettext("Choose whom the incident was reported to, among the clocks it started."), field="audience"
        )
    if reported_at > now or reported_at < found.discovered_at:
        raise Invalid(gettext("A report is made after the discovery and not in the future."), field="reported_at")
    if not reference.strip() or len(reference.strip()) > REFERENCE_MAX:
        raise Invalid(
            gettext("Give the receiver's reference, at most %(reference_max)s characters.")
            % {"reference_max": REFERENCE_MAX},
            field="reference",
        )
    with transaction.atomic():
        Incident.objects.select_for_update().filter(pk=found.pk).first()
        if found.reports.filter(audience=audience, reference=reference.strip()).exists():
            raise Conflict(gettext("This report is already recorded; nothing more was recorded."))
        report = IncidentReport.objects.create(
            incident=found,
            audience=audience,
            reported_at=reported_at,
            reference=reference.strip(),
            recorded_by_id=officer.pk,
        )
        record_event(actor=officer, action="incident.reported", subject_ref=f"incident:{found.public_id}")
    return report


# --- Clocks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """One notification the law asks for: to whom, about how many people, by when, and when done."""

    notify: str
    audience: str
    basis: str
    people: int
    due_at: dt.datetime | None  # None: "without undue delay", no fixed number
    done_at: dt.datetime | None

    def left(self, now: dt.datetime) -> dt.timedelta | None:
        return None if self.due_at is None else self.due_at - now

    @property
    def sort_key(self) -> tuple[dt.datetime, str]:
        return (self.due_at or dt.datetime.max.replace(tzinfo=dt.UTC), self.audience)


def _due(rule: BreachRule, discovered_at: dt.datetime) -> dt.datetime | None:
    if rule.within_hours is not None:
        return discovered_at + dt.timedelta(hours=rule.within_hours)
    if rule.after_year_end_days is not None:
        year_end = dt.datetime(discovered_at.year + 1, 1, 1, tzinfo=discovered_at.tzinfo)
        return year_end + dt.timedelta(days=rule.after_year_end_days)
    return None


def clocks(found: Incident, *, now: dt.datetime | None = None) -> list[Clock]:
    """Every clock the incident started, for where its members live, soonest first."""
    policy = current_policy()
    rows = list(found.affected.values_list("member_id", "jurisdiction", "place"))
    by_jurisdiction = Counter(code for _, code, _ in rows)
    deliveries = deliveries_about(about_ref=f"incident:{found.public_id}")
    reports = {r.audience: r.reported_at for r in found.reports.all()}
    result: list[Clock] = []
    for code, people in sorted(by_jurisdiction.items()):
        jurisdiction = policy.jurisdiction(code)
        # Members get the strictest of their jurisdiction's and its parents' member clocks.
        for_members = [r for r in jurisdiction.breach if r.notify == "members"]
        if not for_members:
            continue
        rule = min(for_members, key=lambda r: (r.within_hours is None, r.within_hours or 0))
        told = [deliveries.get(m) for m, c, _ in rows if c == code]
        done = (
            max(d.delivered_at for d in told if d and d.delivered_at)
            if told and all(d is not None and d.delivered_at for d in told)
            else None
        )
        result.append(
            Clock(
                "members",
                wording.members_under(code, rule.label, jurisdiction.label),
                rule.basis,
                people,
                _due(rule, found.discovered_at),
                done,
            )
        )
    # Every other clock once per rule, counted over its jurisdiction or per place.
    seen: set[tuple[str, int]] = set()
    for code in sorted(by_jurisdiction):
        for index, rule in enumerate(policy.jurisdiction(code).breach):
            key = (rule.origin, index)
            if rule.notify == "members" or key in seen:
                continue
            seen.add(key)
            under = [(m, c, p) for m, c, p in rows if rule.origin in policy.jurisdiction(c).chain]
            groups = Counter(p for _, _, p in under) if rule.counted == "place" else Counter({"": len(under)})
            for place, people in sorted(groups.items()):
                if not rule.applies_to(people):
                    continue
                audience = f"{rule.label} ({place})" if place else rule.label
                result.append(
                    Clock(
                        rule.notify,
                        audience,
                        rule.basis,
                        people,
                        _due(rule, found.discovered_at),
                        reports.get(audience),
                    )
                )
    return sorted(result, key=lambda c: c.sort_key)


# --- Proof -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Told:
    member_id: int
    jurisdiction: str
    delivery: Delivery | None


def proof(found: Incident) -> list[Told]:
    """Who was told what, when, and whether it was delivered: references only."""
    deliveries = deliveries_about(about_ref=f"incident:{found.public_id}")
    return [
        Told(member_id, code, deliveries.get(member_id))
        for member_id, code in found.affected.order_by("member_id").values_list("member_id", "jurisdiction")
    ]


def incidents(*, officer: User) -> list[Incident]:
    _officer(officer)
    return list(Incident.objects.order_by("-discovered_at")[:100])
