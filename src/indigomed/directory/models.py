"""The public directory: who practises what, where, in which languages, for which plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indigomed.conf import product_setting
from indigomed.directory.french import local
from indigomed.directory.reminders import validate_offsets


class Specialty(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    # Shown on French pages (directory.french); empty: the English name is shown.
    name_fr = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        return local(self.name, self.name_fr)


class VisitReason(models.Model):
    """Why a patient comes ("Back pain"), searched like a specialty and chosen when booking."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120, blank=True, default="")
    specialty = models.ForeignKey(Specialty, on_delete=models.CASCADE, related_name="visit_reasons")
    tags = models.JSONField(
        default=list, blank=True, help_text="Sensitivity tags (PI-2) a booking for this reason carries, from the policy"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        return local(self.name, self.name_fr)


class Language(models.Model):
    code = models.CharField(max_length=8, unique=True)  # ISO 639-1
    name = models.CharField(max_length=60)
    name_fr = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        return local(self.name, self.name_fr)


class InsuranceCarrier(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    country = models.CharField(max_length=2)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InsurancePlan(models.Model):
    slug = models.SlugField(unique=True)
    carrier = models.ForeignKey(InsuranceCarrier, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["carrier__name", "name"]

    def __str__(self) -> str:
        return f"{self.carrier.name} {self.name}"


class Facility(models.Model):
    """A health care facility (HCF): a clinic, practice or hospital at one address."""

    class Kind(models.TextChoices):
        CLINIC = "clinic", _("Clinic")
        PRACTICE = "practice", _("Private practice")
        HOSPITAL = "hospital", _("Hospital")
        CENTER = "center", _("Health center")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CLINIC)
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=40, blank=True, help_text="US state or French region code")
    postal_code = models.CharField(max_length=12)
    country = models.CharField(max_length=2)
    latitude = models.FloatField()
    longitude = models.FloatField()
    timezone = models.CharField(max_length=64)
    phone = models.CharField(max_length=32, blank=True)
    cancel_cutoff_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text="Members cannot cancel or move online closer than this to the start."
    )
    plans = models.ManyToManyField(InsurancePlan, blank=True, related_name="facilities")
    reminder_offsets = models.CharField(
        max_length=60,
        blank=True,
        validators=[validate_offsets],
        help_text='When patients are reminded before a visit, such as "48h,2h"; empty for the platform default.',
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"
        indexes = [models.Index(fields=["latitude", "longitude"], name="facility_geo")]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_cancel_cutoff_hours(self) -> int:
        if self.cancel_cutoff_hours is not None:
            return self.cancel_cutoff_hours
        return int(product_setting("DEFAULT_CANCEL_CUTOFF_HOURS"))

    @property
    def effective_reminder_offsets(self) -> str:
        return self.reminder_offsets or str(product_setting("DEFAULT_REMINDER_OFFSETS"))


class Practitioner(models.Model):
    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        NONBINARY = "nonbinary", _("Non-binary")

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=20, default="Dr.")
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    gender = models.CharField(max_length=12, choices=Gender.choices)
    bio = models.TextField(blank=True)
    specialties = models.ManyToManyField(Specialty, related_name="practitioners")
    languages = models.ManyToManyField(Language, related_name="practitioners")
    plans = models.ManyToManyField(InsurancePlan, blank=True, related_name="practitioners")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="practitioner"
    )
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.given_name} {self.family_name}".strip()


class PractitionerRole(models.Model):
    """A practitioner practising at one facility: the unit that has a calendar and is booked.

    Named after FHIR's PractitionerRole. ``next_open_at`` is kept by the scheduling services
    so that search can sort by soonest availability without scanning slots.
    """

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="roles")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="roles")
    accepting_new_patients = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    next_open_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practitioner", "facility"], name="one_role_per_practitioner_facility"),
        ]
        indexes = [
            models.Index(fields=["next_open_at"], name="role_next_open", condition=Q(is_active=True)),
            # A search near a place reads every active role of the facilities around it: from the
            # index alone (PostgreSQL), without visiting the table (bench/search_http.py).
            models.Index(
                fields=["facility"],
                include=["id", "practitioner", "next_open_at"],
                name="active_roles_by_facility",
                condition=Q(is_active=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} at {self.facility}"


class FacilityStaff(models.Model):
    """Someone who works the Connect portal for a facility: front desk or HCF admin."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        ADMIN = "admin", _("HCF admin")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facility_staff")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.STAFF)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "facility"], name="one_staff_row_per_facility")]
        verbose_name_plural = "facility staff"

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.facility}"


class FacilityInvitation(models.Model):
    """An HCF admin's invitation to join the facility's team, as a practitioner or as staff.

    The invitee's account exists from the invitation on, so that their address is sealed with it
    (``records``) and the outbox can write to it: this row names the account, never the address.
    Only the hash of the link's token is kept. A practitioner's calendar is the facility's from
    the invitation on; accepting gives the practitioner their own sign-in to it.
    """

    class Kind(models.TextChoices):
        PRACTITIONER = "practitioner", _("Practitioner")
        STAFF = "staff", _("Staff")

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="facility_invitations")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    staff_role = models.CharField(max_length=8, choices=FacilityStaff.Role.choices, blank=True)
    practitioner = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A double submit, or two admins at once, cannot put two invitations in the same inbox.
            models.UniqueConstraint(
                fields=["facility", "user", "kind"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="one_open_invitation_per_person_and_kind",
            ),
            models.CheckConstraint(
                condition=(Q(kind="practitioner") & Q(practitioner__isnull=False) & Q(staff_role=""))
                | (Q(kind="staff") & Q(practitioner__isnull=True) & Q(staff_role__in=["staff", "admin"])),
                name="invitation_says_what_for",
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="invitation_expires_later"),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} to {self.facility}"
