"""The access log (SEC-2): who read which member's information, when and why, allowed or not."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class AccessLogEntry(models.Model):
    """One decision about one member's information. References and labels, never the values."""

    at = models.DateTimeField(default=timezone.now)
    member_id = models.BigIntegerField()
    actor_user_id = models.BigIntegerField(null=True, blank=True, help_text="The signed-in user who asked, if any")
    recipient_ref = models.CharField(max_length=80)
    recipient_label = models.CharField(max_length=200)
    purpose = models.CharField(max_length=40)
    categories = models.CharField(max_length=200)
    allowed = models.BooleanField()
    rule = models.CharField(max_length=120)

    class Meta:
        indexes = [models.Index(fields=["member_id", "at"], name="access_log_member_time")]

    def __str__(self) -> str:
        return f"access {self.pk}"


class LegalDemand(models.Model):
    """A court order, subpoena or warrant for a member's information, with its document (LEGAL-1).

    What is released under it becomes a ledger entry that the member's accounting lists.
    """

    class Kind(models.TextChoices):
        COURT_ORDER = "court_order", "Court order"
        SUBPOENA = "subpoena", "Subpoena"
        WARRANT = "warrant", "Warrant"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member_id = models.BigIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reference = models.CharField(max_length=120, help_text="Docket or case number")
    issued_by = models.CharField(max_length=200, help_text="The court or authority")
    received_at = models.DateTimeField(default=timezone.now)
    # Sealed under the member's data key (``privacy.office``): the file on disk is ciphertext.
    document = models.FileField(upload_to="legal-demands/%Y/%m/")
    document_type = models.CharField(max_length=100, default="application/octet-stream")
    recorded_by_id = models.BigIntegerField()
    # What the demand asks for; only these categories can be released under it. Demands recorded
    # before the office named them hold none, and the release itself says what goes.
    categories = models.JSONField(null=True, blank=True, help_text="Categories the demand covers")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class AuditEvent(models.Model):
    """One change to the platform (invariant 2c): who made it, what it was, when, and references to
    what it touched. Never a personal value: a member's data can be crypto-shredded while their
    events stay, because the events hold nothing of theirs to shred. Append-only at the database
    (migration ``0005_audit_events``)."""

    at = models.DateTimeField(default=timezone.now)
    actor_user_id = models.BigIntegerField(null=True, blank=True, help_text="Who made the change; empty for IndigoMed")
    action = models.CharField(max_length=40)
    member_id = models.BigIntegerField(null=True, blank=True, help_text="The member the change concerns, if any")
    subject_ref = models.CharField(max_length=80, help_text="What changed, as a reference: appointment:<id>")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_event_newest"),
            models.Index(fields=["member_id", "-at"], name="audit_event_member_newest"),
            models.Index(fields=["action", "-at"], name="audit_event_action_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_ref}"
