"""What an amendable record holds and how people read it (RIGHT-AMEND): each field's label, a
value as shown, a typed value checked into what the record would hold, the due day of an answer,
and the name of each record (which booking, which visit)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from indigomed.accounts.models import Member
from indigomed.directory.models import InsurancePlan, Practitioner, VisitReason
from indigomed.errors import Invalid
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.models import CareRelationship
from indigomed.privacy.queries import member_zone
from indigomed.records.amendments import BOOKING, PROFILE, VISIT, Target, Value
from indigomed.records.queries import visit_history_for

# Labels and fixed values in the reader's language, read when shown (the record keeps codes).
FIELD_LABELS = {
    (PROFILE, "name"): gettext_lazy("Full name"),
    (PROFILE, "date_of_birth"): gettext_lazy("Date of birth"),
    (PROFILE, "gender"): gettext_lazy("Gender"),
    (PROFILE, "postal_code"): gettext_lazy("ZIP or postal code"),
    (PROFILE, "country"): gettext_lazy("Country"),
    (BOOKING, "reason"): gettext_lazy("Reason for the visit"),
    (BOOKING, "insurance"): gettext_lazy("Insurance used"),
    (VISIT, "reason"): gettext_lazy("Reason for the visit"),
}
GENDERS = {
    "": gettext_lazy("Prefer not to say"),
    "female": gettext_lazy("Female"),
    "male": gettext_lazy("Male"),
    "nonbinary": gettext_lazy("Non-binary"),
}
COUNTRIES = dict(Member.Country.choices)
SELF_PAY = gettext_lazy("No insurance (paying myself)")
POSTAL_CODE = re.compile(r"[0-9]{5}")
EARLIEST_BIRTH = dt.date(1900, 1, 1)
WHY_MAX = 2000
STATEMENT_MAX = 2000


def label_of(target: Target) -> str:
    return str(FIELD_LABELS[(target.kind, target.field)])


def _day(day: dt.date) -> str:
    """ "3 March 2026", "3 mars 2026": a day as the reader writes it."""
    return date_format(day, "j F Y")


def shown(target: Target | None, value: Value) -> str:
    """A value as people read it."""
    if target is None:
        return ""
    if target.field == "insurance":
        return str(value["name"]) if value else str(SELF_PAY)
    if target.field == "reason":
        return _reason_name(value) if value else ""
    if target.field == "gender":
        return str(GENDERS.get(value or "", str(value)))
    if target.field == "country":
        return str(COUNTRIES.get(value or "", str(value or "")))
    if target.field == "date_of_birth" and value:
        return _day(dt.date.fromisoformat(value))
    return str(value or "")


def _reason_name(value: dict[str, object]) -> str:
    """A visit reason as the directory names it in the reader's language; as it was kept when the
    directory no longer lists it."""
    slug, name = value.get("slug"), value.get("name")
    found = (
        VisitReason.objects.filter(slug=str(slug)).first()
        if slug
        else VisitReason.objects.filter(name=str(name)).first()
    )
    return found.local_name if found else str(name or "")


def proposed_value(target: Target, text: str) -> Value:
    """The value the member typed or chose, as the record would hold it; ``Invalid`` (on the
    ``proposed`` field) for anything the record could not hold."""
    text = text.strip()
    field = target.field
    if field == "name":
        if not text or len(text) > 200:
            raise Invalid(gettext("Give the full name, in at most 200 characters."), field="proposed")
        return text
    if field == "date_of_birth":
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise Invalid(gettext("Give the date of birth as a date."), field="proposed") from None
        if not EARLIEST_BIRTH <= day < timezone.localdate():
            raise Invalid(gettext("Give a date of birth in the past."), field="proposed")
        return day.isoformat()
    if field == "gender":
        if text not in GENDERS:
            raise Invalid(gettext("Choose one of the answers listed."), field="proposed")
        return text or None
    if field == "postal_code":
        if text and not POSTAL_CODE.fullmatch(text):
            raise Invalid(gettext("Use five digits."), field="proposed")
        return text or None
    if field == "country":
        if text not in COUNTRIES:
            raise Invalid(gettext("Choose one of the countries listed."), field="proposed")
        return text
    if field == "insurance":
        if not text:
            return None
        plan = InsurancePlan.objects.select_related("carrier").filter(slug=text).first()
        if plan is None:
            raise Invalid(gettext("Choose one of the plans listed."), field="proposed")
        return {"slug": plan.slug, "name": str(plan)}
    reason = VisitReason.objects.filter(slug=text).first()
    if reason is None:
        raise Invalid(gettext("Choose one of the reasons listed."), field="proposed")
    if target.kind == VISIT:
        return {"name": reason.name, "tags": sorted(reason.tags)}
    return {"slug": reason.slug, "name": reason.name, "tags": list(reason.tags)}


def _booking_labels(member_id: int, keys: Iterable[str]) -> dict[str, str]:
    """ "Booking with <practitioner>, made <day>" for some of the member's bookings, from the care
    relationship each booking made (the calendar itself is a room above this one)."""
    refs = {f"appointment:{key}": key for key in keys}
    rows = list(
        CareRelationship.objects.filter(member_id=member_id, source_ref__in=list(refs)).values_list(
            "source_ref", "recipient_ref", "established_at"
        )
    )
    names = {
        p.pk: p.display_name
        for p in Practitioner.objects.filter(pk__in=Recipient.ids_of("practitioner", [r for _, r, _ in rows]))
    }
    zone = member_zone(member_id)
    labels = {key: gettext("A booking") for key in refs.values()}
    for source, recipient, at in rows:
        ids = Recipient.ids_of("practitioner", [recipient])
        if ids and ids[0] in names:
            day = at.astimezone(zone).date()
            labels[refs[source]] = gettext("Booking with %(name)s, made %(day)s") % {
                "name": names[ids[0]],
                "day": _day(day),
            }
    return labels


def labels_of(member_id: int, targets: Sequence[Target]) -> dict[str, str]:
    """How the member (and the office) name each record: its field, and which booking or visit."""
    bookings = _booking_labels(member_id, {t.key for t in targets if t.kind == BOOKING})
    visits = {}
    if any(t.kind == VISIT for t in targets):
        for visit in visit_history_for(member_id):
            day = visit.visit_date
            visits[visit.ref.removeprefix("visit:")] = gettext("Visit on %(day)s with %(name)s, %(place)s") % {
                "day": _day(day),
                "name": visit.practitioner_name,
                "place": visit.facility_name,
            }
    labels = {}
    for t in targets:
        field = label_of(t).lower()
        if t.kind == BOOKING:
            which = bookings.get(t.key) or gettext("A booking")
        elif t.kind == VISIT:
            which = visits.get(t.key) or gettext("A visit")
        else:
            which = gettext("Your profile")
        labels[t.record] = gettext("%(record)s: %(field)s") % {"record": which, "field": field}
    return labels
