"""The access log (SEC-2): who read which member's information, when and why, allowed or not."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        COURT_ORDER = "court_order", _("Court order")
        SUBPOENA = "subpoena", _("Subpoena")
        WARRANT = "warrant", _("Warrant")

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


class Incident(models.Model):
    """A breach the privacy office records (SEC-3): what happened, when it was found, what it
    touched, and how the affected members are found. Its texts describe the incident, never a
    person; they are what the affected members are told, in their language."""

    class Scope(models.TextChoices):
        PLATFORM = "platform", _("IndigoMed's own stores: every member")
        RECIPIENT = "recipient", _("A recipient's copy: the members disclosed to it")
        ACCOUNT = "account", _("An account used by someone else: the members it looked at")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    summary_en = models.TextField(max_length=2000, help_text="What happened, in English, as members read it")
    summary_fr = models.TextField(max_length=2000, help_text="What happened, in French, as members read it")
    systems = models.CharField(max_length=200, help_text="Which systems were involved")
    categories = models.JSONField(help_text="The policy's categories of information involved")
    occurred_from = models.DateTimeField()
    occurred_until = models.DateTimeField()
    discovered_at = models.DateTimeField()
    scope = models.CharField(max_length=10, choices=Scope.choices)
    scope_ref = models.CharField(max_length=80, blank=True, help_text="The recipient or account, as a reference")
    recorded_by_id = models.BigIntegerField()
    recorded_at = models.DateTimeField(default=timezone.now)
    members_told_at = models.DateTimeField(null=True, blank=True, help_text="When the notices were queued")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occurred_until__gte=models.F("occurred_from")), name="incident_window_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(discovered_at__gte=models.F("occurred_from")),
                name="incident_found_after_it_began",
            ),
            models.CheckConstraint(
                condition=models.Q(scope__in=["platform", "recipient", "account"]), name="incident_scope_known"
            ),
        ]

    def __str__(self) -> str:
        return f"incident {self.public_id}"


class IncidentMember(models.Model):
    """One member an incident affected and where they live (which clocks apply). The notice to
    them is the outbox message about ``incident:<id>``, whose delivery is the proof. References only."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="affected")
    member_id = models.BigIntegerField()
    jurisdiction = models.CharField(max_length=20)
    place = models.CharField(max_length=12, help_text="Country and region, e.g. US-FL")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "member_id"], name="incident_member_once")]

    def __str__(self) -> str:
        return f"member {self.member_id} in {self.incident_id}"


class IncidentReport(models.Model):
    """A notification made outside the platform (the CNIL, a regulator, the media), as the office
    recorded it: to whom, when, and the reference the receiver gave."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="reports")
    audience = models.CharField(max_length=200)
    reported_at = models.DateTimeField()
    reference = models.CharField(max_length=120)
    recorded_by_id = models.BigIntegerField()
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"report of {self.incident_id} to {self.audience}"
