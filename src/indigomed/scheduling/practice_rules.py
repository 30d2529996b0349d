"""Weekly hours and visit types, as a facility's HCF admin sets them in Partners (BOOK-1), and
what a change of them does to the calendar.

A change regenerates the future open slots of the practitioner's calendar from the new rules, in
the same transaction, and never touches a booked one (``scheduling.regeneration``). Nothing is
dropped silently.

Every function takes the signed-in ``actor`` and the facility it acts for; another facility's
calendar, rule or visit type is ``NotFound``. Bad input raises ``Invalid`` naming its form field
before anything changes; a change that changes nothing records nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from indigomed.directory.models import PractitionerRole, VisitReason
from indigomed.directory.services import clean_text
from indigomed.errors import Invalid, NotFound
from indigomed.scheduling.models import AvailabilityRule, VisitType
from indigomed.scheduling.regeneration import changing_calendar
from indigomed.security.services import record_event

T = TypeVar("T")
# Django's day names, in the reader's language when shown (Monday first, as ``weekday`` counts).
DAYS = tuple(WEEKDAYS[day] for day in range(7))
SHORTEST_VISIT, LONGEST_VISIT = 5, 480  # the table's check (visit_type_sane_duration), said first here
MAX_VISIT_TYPES = 20
MAX_RULES = 50


# --- Weekly hours -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Every given weekday, from a local start to a local end, visits of one type."""

    weekday: int
    start: dt.time
    end: dt.time
    visit_type_id: int


def _hhmm(t: dt.time) -> str:
    return t.strftime("%H:%M")


def _describe(rule: AvailabilityRule) -> str:
    return f"{DAYS[rule.weekday]} {_hhmm(rule.start_time)}–{_hhmm(rule.end_time)}"


def _active_type(role: PractitionerRole, visit_type_id: int) -> VisitType:
    found = role.visit_types.filter(pk=visit_type_id if 0 < visit_type_id < 2**63 else 0, is_active=True).first()
    if found is None:
        raise Invalid(_("Choose one of this practitioner's visit types."), field="visit_type")
    return found


def _check_hours(role: PractitionerRole, hours: WeeklyHours, visit_type: VisitType, *, rule_id: int | None) -> None:
    """Refuse hours that cannot be a rule: on no weekday, ending before they start (a night that
    crosses midnight is two rules, as a weekday's wall clock cannot run past 24:00), shorter than
    one visit, or overlapping other hours of the same practitioner, here or at another facility
    in the same time zone."""
    if not 0 <= hours.weekday <= 6:
        raise Invalid(_("Choose a day of the week."), field="weekday")
    if hours.start.second or hours.end.second or hours.start.microsecond or hours.end.microsecond:
        raise Invalid(_("Give hours and minutes only."), field="start_time")
    if hours.end <= hours.start:
        if hours.end == hours.start:
            raise Invalid(_("These hours end when they start."), field="end_time")
        raise Invalid(
            _(
                "These hours end before they start. Hours that run past midnight are two rules: one on "
                "%(day)s until 23:59, and one on %(next_day)s from 00:00."
            )
            % {"day": DAYS[hours.weekday], "next_day": DAYS[(hours.weekday + 1) % 7]},
            field="end_time",
        )
    span = dt.datetime.combine(dt.date(2000, 1, 3), hours.end) - dt.datetime.combine(dt.date(2000, 1, 3), hours.start)
    if span < dt.timedelta(minutes=visit_type.duration_minutes):
        raise Invalid(
            _("No %(visit)s of %(minutes)s minutes fits between %(start)s and %(end)s.")
            % {
                "visit": visit_type.name,
                "minutes": visit_type.duration_minutes,
                "start": _hhmm(hours.start),
                "end": _hhmm(hours.end),
            },
            field="end_time",
        )
    same_day = AvailabilityRule.objects.filter(
        weekday=hours.weekday, start_time__lt=hours.end, end_time__gt=hours.start
    ).exclude(pk=rule_id or 0)
    clash = same_day.filter(role=role).first()
    if clash is not None:
        raise Invalid(
            _("These hours overlap %(clash)s. Change or remove those first.") % {"clash": _describe(clash)},
            field="start_time",
        )
    elsewhere = (
        same_day.filter(
            role__practitioner_id=role.practitioner_id,
            role__is_active=True,
            role__facility__timezone=role.facility.timezone,
        )
        .exclude(role=role)
        .first()
    )
    if elsewhere is not None:
        raise Invalid(
            _("%(name)s practises at another facility on %(hours)s.")
            % {"name": role.practitioner.display_name, "hours": _describe(elsewhere)},
            field="start_time",
        )


def add_hours(*, actor: Any, facility_id: int, role_id: int, hours: WeeklyHours) -> AvailabilityRule | None:
    """Open weekly hours on a practitioner's calendar; their slots open at once up to the horizon.

    Returns the rule, or ``None`` when exactly these hours are already set (a double submit).
    """

    def change(role: PractitionerRole) -> AvailabilityRule | None:
        if AvailabilityRule.objects.filter(
            role=role,
            weekday=hours.weekday,
            start_time=hours.start,
            end_time=hours.end,
            visit_type_id=hours.visit_type_id,
        ).exists():
            return None
        visit_type = _active_type(role, hours.visit_type_id)
        if role.availability_rules.count() >= MAX_RULES:
            raise Invalid(
                _("A practitioner has at most %(max_rules)s weekly hours at a facility.") % {"max_rules": MAX_RULES},
                field="weekday",
            )
        _check_hours(role, hours, visit_type, rule_id=None)
        rule = AvailabilityRule.objects.create(
            role=role, visit_type=visit_type, weekday=hours.weekday, start_time=hours.start, end_time=hours.end
        )
        record_event(
            actor=actor, action="calendar.rule_added", subject_ref=f"calendar:{role.pk}", details={"rule": rule.pk}
        )
        return rule

    return changing_calendar(actor, facility_id, role_id, change)


def _rule_of(role: PractitionerRole, rule_id: int) -> AvailabilityRule:
    rule = role.availability_rules.filter(pk=rule_id if 0 < rule_id < 2**63 else 0).first()
    if rule is None:
        raise NotFound(_("We could not find those hours."))
    return rule


def change_hours(*, actor: Any, facility_id: int, role_id: int, rule_id: int, hours: WeeklyHours) -> bool:
    """Change weekly hours; future open slots follow, booked ones stay (see ``scheduling.misfits``)."""

    def change(role: PractitionerRole) -> bool:
        rule = _rule_of(role, rule_id)
        now = (rule.weekday, rule.start_time, rule.end_time, rule.visit_type_id)
        if now == (hours.weekday, hours.start, hours.end, hours.visit_type_id):
            return False
        visit_type = _active_type(role, hours.visit_type_id)
        _check_hours(role, hours, visit_type, rule_id=rule.pk)
        rule.weekday, rule.start_time, rule.end_time, rule.visit_type = (
            hours.weekday,
            hours.start,
            hours.end,
            visit_type,
        )
        rule.save(update_fields=["weekday", "start_time", "end_time", "visit_type"])
        record_event(
            actor=actor, action="calendar.rule_changed", subject_ref=f"calendar:{role.pk}", details={"rule": rule.pk}
        )
        return True

    return changing_calendar(actor, facility_id, role_id, change)


def remove_hours(*, actor: Any, facility_id: int, role_id: int, rule_id: int) -> bool:
    """Remove weekly hours; their open slots close, their bookings stay (see ``scheduling.misfits``).

    Hours already removed are ``NotFound``: the page says so rather than pretend twice."""

    def change(role: PractitionerRole) -> bool:
        rule = _rule_of(role, rule_id)
        record_event(
            actor=actor, action="calendar.rule_removed", subject_ref=f"calendar:{role.pk}", details={"rule": rule.pk}
        )
        rule.delete()
        return True

    return changing_calendar(actor, facility_id, role_id, change)


# --- Visit types --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VisitTypeSpec:
    """A kind of visit as the admin describes it: for whom, how long, where, for which reasons."""

    name: str
    duration_minutes: int
    patients: str = VisitType.Patients.ANY
    is_remote: bool = False
    reasons: tuple[str, ...] = ()


def _checked_visit_type(
    role: PractitionerRole, spec: VisitTypeSpec, *, visit_type_id: int | None
) -> tuple[str, list[VisitReason]]:
    name = clean_text(spec.name, field="name", label="visit type's name", max_length=80)
    if not SHORTEST_VISIT <= spec.duration_minutes <= LONGEST_VISIT:
        raise Invalid(
            _("A visit lasts from %(shortest_visit)s to %(longest_visit)s minutes.")
            % {"shortest_visit": SHORTEST_VISIT, "longest_visit": LONGEST_VISIT},
            field="duration_minutes",
        )
    if spec.patients not in VisitType.Patients.values:
        raise Invalid(_("Choose new patients, returning patients, or both."), field="patients")
    if role.visit_types.filter(is_active=True, name__iexact=name).exclude(pk=visit_type_id or 0).exists():
        raise Invalid(
            _("%(display_name)s already has a visit type of that name.")
            % {"display_name": role.practitioner.display_name},
            field="name",
        )
    wanted = set(spec.reasons)
    reasons = list(
        VisitReason.objects.filter(slug__in=wanted, specialty__practitioners=role.practitioner_id).distinct()
    )
    if len(reasons) != len(wanted):
        raise Invalid(
            _("Choose reasons %(display_name)s sees, from their specialties.")
            % {"display_name": role.practitioner.display_name},
            field="reasons",
        )
    return name, reasons


def create_visit_type(*, actor: Any, facility_id: int, role_id: int, spec: VisitTypeSpec) -> VisitType | None:
    """A new kind of visit on a practitioner's calendar; it opens slots once weekly hours use it.

    Returns ``None`` when an active visit type exactly like it exists (a double submit).
    """

    def change(role: PractitionerRole) -> VisitType | None:
        twin = role.visit_types.filter(
            is_active=True,
            name=" ".join(spec.name.split()),
            duration_minutes=spec.duration_minutes,
            patients=spec.patients,
            is_remote=spec.is_remote,
        ).first()
        if twin is not None and set(twin.reasons.values_list("slug", flat=True)) == set(spec.reasons):
            return None
        if role.visit_types.filter(is_active=True).count() >= MAX_VISIT_TYPES:
            raise Invalid(
                _("A practitioner offers at most %(max_visit_types)s visit types at a facility.")
                % {"max_visit_types": MAX_VISIT_TYPES},
                field="name",
            )
        name, reasons = _checked_visit_type(role, spec, visit_type_id=None)
        visit_type = VisitType.objects.create(
            role=role,
            name=name,
            duration_minutes=spec.duration_minutes,
            patients=spec.patients,
            is_remote=spec.is_remote,
        )
        visit_type.reasons.set(reasons)
        record_event(
            actor=actor,
            action="visit_type.created",
            subject_ref=f"calendar:{role.pk}",
            details={"visit_type": visit_type.pk},
        )
        return visit_type

    return changing_calendar(actor, facility_id, role_id, change)


def _visit_type_of(role: PractitionerRole, visit_type_id: int) -> VisitType:
    found = role.visit_types.filter(pk=visit_type_id if 0 < visit_type_id < 2**63 else 0, is_active=True).first()
    if found is None:
        raise NotFound(_("We could not find that visit type."))
    return found


def change_visit_type(*, actor: Any, facility_id: int, role_id: int, visit_type_id: int, spec: VisitTypeSpec) -> bool:
    """Change a visit type; a new length re-cuts its future open slots, booked ones keep theirs.

    Refused (``Invalid``) when weekly hours of this type would be shorter than one visit.
    """

    def change(role: PractitionerRole) -> bool:
        visit_type = _visit_type_of(role, visit_type_id)
        name, reasons = _checked_visit_type(role, spec, visit_type_id=visit_type.pk)
        before = (
            visit_type.name,
            visit_type.duration_minutes,
            visit_type.patients,
            visit_type.is_remote,
            set(visit_type.reasons.values_list("pk", flat=True)),
        )
        after = (name, spec.duration_minutes, spec.patients, spec.is_remote, {r.pk for r in reasons})
        if before == after:
            return False
        longest = dt.timedelta(minutes=spec.duration_minutes)
        for rule in visit_type.rules.all():
            span = dt.datetime.combine(dt.date(2000, 1, 3), rule.end_time) - dt.datetime.combine(
                dt.date(2000, 1, 3), rule.start_time
            )
            if span < longest:
                raise Invalid(
                    _("The hours %(hours)s are shorter than %(minutes)s minutes: change them first.")
                    % {"hours": _describe(rule), "minutes": spec.duration_minutes},
                    field="duration_minutes",
                )
        visit_type.name, visit_type.duration_minutes = name, spec.duration_minutes
        visit_type.patients, visit_type.is_remote = spec.patients, spec.is_remote
        visit_type.save(update_fields=["name", "duration_minutes", "patients", "is_remote"])
        visit_type.reasons.set(reasons)
        record_event(
            actor=actor,
            action="visit_type.changed",
            subject_ref=f"calendar:{role.pk}",
            details={"visit_type": visit_type.pk, "length_changed": before[1] != after[1]},
        )
        return True

    return changing_calendar(actor, facility_id, role_id, change)


def retire_visit_type(*, actor: Any, facility_id: int, role_id: int, visit_type_id: int) -> bool:
    """The practitioner stops offering this visit: its weekly hours go, its open slots close, and
    its bookings stay, listed for the practice (``scheduling.misfits``). Returns whether it changed."""

    def change(role: PractitionerRole) -> bool:
        found = role.visit_types.filter(pk=visit_type_id if 0 < visit_type_id < 2**63 else 0).first()
        if found is None:
            raise NotFound(_("We could not find that visit type."))
        if not found.is_active:
            return False
        removed = found.rules.count()
        found.rules.all().delete()
        found.is_active = False
        found.save(update_fields=["is_active"])
        record_event(
            actor=actor,
            action="visit_type.retired",
            subject_ref=f"calendar:{role.pk}",
            details={"visit_type": found.pk, "rules_removed": removed},
        )
        return True

    return changing_calendar(actor, facility_id, role_id, change)
