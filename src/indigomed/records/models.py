"""A member's personal information by category (PI-1), every value sealed under their data key (PI-3).

Each model holds one category of the notice [C]; the sealed columns are bytes that only
``records.vault`` opens, with the member's data key. Sensitivity tags (PI-2) are sealed with the
medical entry they describe: that a member has an HIV result is itself health information.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

    # How the member's pages name the row (an id in a URL says nothing of how many there are).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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
        VISIT = "visit", _("Completed visit")
        PROVIDER_NOTE = "provider_note", _("Recorded by a provider")
        SHARED = "shared", _("Shared by the member")

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


class Amendment(models.Model):
    """A member's request to amend one of their records (RIGHT-AMEND), and what became of it.

    ``record`` names the record and its field (``profile:date_of_birth``,
    ``booking:<appointment uuid>:reason``, ``visit:<entry id>:reason``; ``records.amendments``
    reads it). Everything the member and the office wrote, and every value, is sealed under the
    member's data key. An accepted amendment keeps in ``original`` the value it replaced: the
    record's earlier version stays retrievable, linked to the record by ``record``. A denied one
    may carry the member's statement of disagreement and the office's rebuttal, which travel with
    later disclosures of the record. Every amendment is a request on the desk (``request_public_id``).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the privacy office")
        ACCEPTED = "accepted", _("Accepted")
        DENIED = "denied", _("Denied")

    class Basis(models.TextChoices):
        # HIPAA 45 CFR 164.526(a)(2): the grounds on which an amendment may be denied.
        ACCURATE = "accurate", _("The record is accurate and complete")
        NOT_CREATED_HERE = "not_created_here", _("IndigoMed did not create this record")
        NOT_IN_RECORD_SET = "not_in_record_set", _("This is not part of the records IndigoMed keeps about you")
        NOT_OPEN = "not_open", _("This record is not one you may inspect")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="amendments")
    # The request on the desk that asks for it (``rights.Request.public_id``, a reference: the desk is
    # a room above): it holds the signature, the due date and the messages.
    request_public_id = models.UUIDField(unique=True)
    record = models.CharField(max_length=80, help_text="Which record and field: 'booking:<uuid>:reason'")
    category = models.CharField(max_length=20, help_text="The record's category of information (PI-1)")
    proposed = models.BinaryField(help_text="Sealed JSON: the value the member asks for")
    why = models.BinaryField(help_text="Sealed: why, in the member's words")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_id = models.BigIntegerField(null=True, blank=True)
    original = models.BinaryField(null=True, help_text="Sealed JSON: the value an accepted amendment replaced")
    denial_basis = models.CharField(max_length=20, choices=Basis.choices, blank=True)
    denial_explanation = models.BinaryField(null=True, help_text="Sealed: the office's explanation of a denial")
    disagreement = models.BinaryField(null=True, help_text="Sealed: the member's statement of disagreement")
    disagreement_at = models.DateTimeField(null=True, blank=True)
    rebuttal = models.BinaryField(null=True, help_text="Sealed: the office's rebuttal of that statement")
    rebuttal_at = models.DateTimeField(null=True, blank=True)
    rebuttal_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            # One open request per record: a second would race the first to change it.
            models.UniqueConstraint(
                fields=["member", "record"], condition=Q(status="requested"), name="one_open_amendment_per_record"
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(original__isnull=False, decided_at__isnull=False),
                name="accepted_amendment_keeps_the_original",
            ),
            models.CheckConstraint(
                condition=~Q(status="denied") | (~Q(denial_basis="") & Q(decided_at__isnull=False)),
                name="denied_amendment_has_a_basis",
            ),
            models.CheckConstraint(
                condition=Q(disagreement__isnull=True) | Q(status="denied"),
                name="disagreement_only_with_a_denial",
            ),
            models.CheckConstraint(
                condition=Q(rebuttal__isnull=True) | Q(disagreement__isnull=False),
                name="rebuttal_only_of_a_disagreement",
            ),
        ]
        indexes = [models.Index(fields=["member", "record"], name="amendment_of_record")]

    def __str__(self) -> str:
        return f"amendment {self.public_id}"


class AmendmentRecipient(models.Model):
    """Someone who had received the value an accepted amendment replaced (from the disclosure
    ledger), and how they were told: at their own account, or by the privacy office for a
    recipient without one. References and labels only."""

    class Via(models.TextChoices):
        ACCOUNT = "account", _("A message to their IndigoMed account")
        OFFICE = "office", _("Passed on by the privacy office")

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="recipients")
    recipient_ref = models.CharField(max_length=80)
    recipient_label = models.CharField(max_length=200)
    purpose = models.CharField(max_length=40, help_text="What they had received it for")
    told_via = models.CharField(max_length=10, choices=Via.choices)
    told_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["amendment", "recipient_ref"], name="amendment_told_once_per_recipient"),
        ]

    def __str__(self) -> str:
        return f"amendment recipient {self.pk}"
