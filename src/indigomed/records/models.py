"""A member's personal information by category (PI-1), every value sealed under their data key (PI-3).

Each model holds one category of the notice [C]; the sealed columns are bytes that only
``records.vault`` opens, with the member's data key. Sensitivity tags (PI-2) are sealed with the
medical entry they describe: that a member has an HIV result is itself health information.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class MemberKey(models.Model):
    """The member's data key, wrapped by a key-encryption key. Deleting it shreds their data."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_key")
    kek_id = models.CharField(max_length=40)
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data key of member {self.member_id}"


class ContactData(models.Model):
    CATEGORY = "contact"
    SEALED = ("name", "email", "phone", "guardian_email", "pending_email")

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_data")
    name = models.BinaryField(null=True)
    email = models.BinaryField()
    email_lookup = models.CharField(max_length=64, db_index=True)
    phone = models.BinaryField(null=True)
    phone_lookup = models.CharField(max_length=64, blank=True, db_index=True)
    guardian_email = models.BinaryField(null=True, help_text="The parent who consents for a minor (CHILD-1)")
    pending_email = models.BinaryField(null=True, help_text="An address the member is changing to, until confirmed")
    pending_email_lookup = models.CharField(max_length=64, blank=True, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"contact data of member {self.member_id}"


class DemographicData(models.Model):
    CATEGORY = "demographic"
    SEALED = ("gender", "date_of_birth", "postal_code", "country", "region")

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demographic_data")
    gender = models.BinaryField(null=True)
    date_of_birth = models.BinaryField()
    postal_code = models.BinaryField(null=True)
    country = models.BinaryField()
    region = models.BinaryField(null=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"demographic data of member {self.member_id}"


class InsuranceData(models.Model):
    CATEGORY = "insurance"
    SEALED = ("carrier", "plan", "member_number")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="insurance_data")
    carrier = models.BinaryField()
    plan = models.BinaryField()
    member_number = models.BinaryField(null=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"insurance data {self.pk}"


class MedicalEntry(models.Model):
    """Medical data: visit history, what providers record, what the member shares.

    ``body`` is a sealed JSON object; ``tags`` the sealed list of its sensitivity tags.
    """

    CATEGORY = "medical"
    SEALED = ("body", "tags")

    class Kind(models.TextChoices):
        VISIT = "visit", "Completed visit"
        PROVIDER_NOTE = "provider_note", "Recorded by a provider"
        SHARED = "shared", "Shared by the member"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="medical_entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source_ref = models.CharField(max_length=80, help_text="'appointment:<uuid>', 'practitioner:12' or 'member'")
    body = models.BinaryField()
    tags = models.BinaryField()
    occurred_on = models.BinaryField(help_text="The visit or record date, sealed (dates of care are health data)")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "source_ref"],
                condition=models.Q(kind="visit"),
                name="one_visit_entry_per_appointment",
            ),
        ]

    def __str__(self) -> str:
        return f"medical entry {self.pk}"


class BookingDetails(models.Model):
    """Why a member booked and how they pay, for one appointment: medical and insurance data, sealed.

    The calendar keeps who is booked when; what the visit is about stays here.
    """

    FIELD_CATEGORIES = {"reason": "medical", "insurance": "insurance"}
    SEALED = ("reason", "insurance")

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_details")
    appointment_public_id = models.UUIDField(unique=True)
    reason = models.BinaryField(help_text="Sealed JSON: slug, name, sensitivity tags")
    insurance = models.BinaryField(null=True, help_text="Sealed JSON: slug, name; none when self-paying")

    def __str__(self) -> str:
        return f"booking details {self.pk}"


class CorrespondenceEntry(models.Model):
    CATEGORY = "correspondence"
    SEALED = ("body",)

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="correspondence")
    channel = models.CharField(max_length=10, choices=[("email", "E-mail"), ("letter", "Letter")])
    body = models.BinaryField()
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"correspondence {self.pk}"


class ContactPreferences(models.Model):
    """How and where a member lets IndigoMed write to them (RIGHT-CONFCOMM), sealed.

    ``body`` is a sealed JSON object: the allowed channels in the member's order, and the
    e-mail address, phone number (E.164) and postal address to use for each. The choice says
    where a member can be reached, and where not ("not at home"): contact data, kept like it.
    """

    CATEGORY = "contact"
    SEALED = ("body",)

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_preferences"
    )
    body = models.BinaryField()
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"contact preferences of member {self.member_id}"
