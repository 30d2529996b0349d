"""Calendars: opening rules, the slots they make, and the appointments that fill them."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indigomed.directory.models import PractitionerRole


class VisitType(models.Model):
    """A kind of visit a practitioner offers at a facility, with how long it lasts.

    It says which patients it fits (new, returning or both) and, when it names reasons, it fits
    only those: a booking offers only slots of a visit type that fits the member (BOOK-3).
    """

    class Patients(models.TextChoices):
        ANY = "any", _("New and returning patients")
        NEW = "new", _("New patients")
        RETURNING = "returning", _("Returning patients")

    role = models.ForeignKey(PractitionerRole, on_delete=models.CASCADE, related_name="visit_types")
    name = models.CharField(max_length=80)
    duration_minutes = models.PositiveSmallIntegerField()
    is_remote = models.BooleanField(default=False)
    patients = models.CharField(max_length=10, choices=Patients.choices, default=Patients.ANY)
    reasons = models.ManyToManyField(
        "directory.VisitReason",
        blank=True,
        related_name="visit_types",
        help_text="The reasons this visit type is for; none means any reason the practitioner sees",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480), name="visit_type_sane_duration"
            ),
            models.CheckConstraint(
                condition=Q(patients__in=["any", "new", "returning"]), name="visit_type_patients_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class AvailabilityRule(models.Model):
    """Every given weekday, from a local start time to a local end time, slots of one visit type.

    Times are wall-clock times in the facility's time zone, so 09:00 stays 09:00 across
    daylight-saving changes.
    """

    role = models.ForeignKey(PractitionerRole, on_delete=models.CASCADE, related_name="availability_rules")
    visit_type = models.ForeignKey(VisitType, on_delete=models.CASCADE, related_name="rules")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    start_time = models.TimeField()
    end_time = models.TimeField()
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="rule_weekday_range"),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="rule_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"weekday {self.weekday} {self.start_time}–{self.end_time}"


class AvailabilityException(models.Model):
    """Time off (no slots in the window) or extra hours (slots of one visit type in it)."""

    class Kind(models.TextChoices):
        TIME_OFF = "time_off", _("Time off")
        EXTRA_HOURS = "extra_hours", _("Extra hours")

    role = models.ForeignKey(PractitionerRole, on_delete=models.CASCADE, related_name="availability_exceptions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    visit_type = models.ForeignKey(VisitType, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="exception_ends_after_start"),
            models.CheckConstraint(
                condition=Q(kind="time_off") | Q(visit_type__isnull=False), name="extra_hours_have_visit_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"


class Slot(models.Model):
    """One bookable interval, generated from the rules.

    ``is_open`` is a search aid kept by the booking services in the same transaction as the
    appointment; the guarantee that a slot is booked at most once is the partial unique
    constraint on ``Appointment.slot``, and that a slot inside time off is not booked at all is
    a trigger on the appointments (migration ``0004_time_off_slots_cannot_be_booked``).
    """

    role = models.ForeignKey(PractitionerRole, on_delete=models.CASCADE, related_name="slots")
    visit_type = models.ForeignKey(VisitType, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_open = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role", "starts_at"], name="one_slot_per_role_and_start"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["role", "starts_at"], name="slot_open_by_role", condition=Q(is_open=True)),
        ]

    def __str__(self) -> str:
        return f"slot {self.pk} at {self.starts_at:%Y-%m-%d %H:%M}Z"


class Appointment(models.Model):
    """Who is booked when, with whom. Why and how they pay are sealed with the member's data in
    ``records`` (booking details), read through ``privacy``."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Checked in")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        NO_SHOW = "no_show", _("No-show")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appointments")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    role = models.ForeignKey(PractitionerRole, on_delete=models.PROTECT, related_name="appointments")
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, related_name="appointments")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    booked_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    rescheduled_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rescheduled_to"
    )
    # Not stored here: on the instance a booking returns, its reason and plan as the member gave
    # them (sealed in ``records``), for the answer to that member.
    booked_details: Any = None

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status__in=["booked", "checked_in", "completed", "no_show"]),
                name="slot_booked_at_most_once",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "starts_at"], name="appointment_member_time"),
            # What a member holds, read by every booking's limits (``booking_store.holdings``):
            # a few rows per member, however many appointments the platform keeps.
            models.Index(
                fields=["member", "ends_at"],
                condition=Q(status__in=["booked", "checked_in"]),
                name="appointment_member_held",
            ),
            models.Index(fields=["role", "starts_at"], name="appointment_role_time"),
        ]

    def __str__(self) -> str:
        return f"appointment {self.public_id}"


class Referral(models.Model):
    """A practitioner booked, for a member they treat, an appointment with another practitioner (BOOK-5)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals")
    from_appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="referrals_made")
    to_appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="referral")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"referral {self.public_id}"


class SlotHold(models.Model):
    """A few minutes in which only one visitor can book a slot: the one signing up or in to book it.

    The holder is a hash of a random token kept in that visitor's session, so the hold follows
    them through sign-up, e-mail confirmation and sign-in in the same browser. A visitor holds at
    most one slot (unique ``holder``), a slot has at most one hold (unique ``slot``), and a hold
    past ``expires_at`` holds nothing: expiry, the one-per-visitor rule and the limits in
    ``scheduling.holds`` keep anyone from locking a calendar this way.
    """

    slot = models.OneToOneField(Slot, on_delete=models.CASCADE, related_name="hold")
    holder = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    # Renewed once, when the visitor comes back signed in: a few more minutes to confirm.
    renewed = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"hold on slot {self.slot_id} until {self.expires_at:%H:%M}Z"


class AttemptCount(models.Model):
    """How many times one member has tried to book, or one client address asked for a hold, in
    the window now running (BOOK-2; ``scheduling.limits``). Counted in one statement that every
    app server shares; the worker deletes counts whose window has ended."""

    # ``booking:<member id>`` or ``hold:<keyed hash of the address>``: never an address in clear.
    key = models.CharField(max_length=64, primary_key=True)
    window_ends = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.count} attempts until {self.window_ends:%H:%M}Z"
