"""The outbox (MSG-1): one row per message, written in the transaction that caused it.

A row holds references and a sealed context, never an address or a text in clear: what the
message says is sealed under the key of the member it is to (or about), and rendered, in the
member's language and for the channel their choices allow, only when a worker delivers it.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Claimed by a worker")
        SENT = "sent", _("Delivered")
        DEAD = "dead", _("Gave up after repeated failures")
        HELD = "held", _("No way to send it the member allows")
        WITHDRAWN = "withdrawn", _("Withdrawn before it was sent")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member_id = models.BigIntegerField(help_text="The member it is to, or about; their key seals the context")
    kind = models.CharField(max_length=40, help_text="Why it is sent: booking-confirmation, reminder, referral…")
    template = models.CharField(max_length=40, help_text="What it says: a kind's own template, or 'notice'")
    about_ref = models.CharField(max_length=80, blank=True, help_text="What it is about: 'appointment:<uuid>'")
    to_given_address = models.BooleanField(
        default=False, help_text="Goes to an address given in hand (a parent's), sealed in the context"
    )
    context = models.BinaryField(help_text="Sealed JSON: what the template says")
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(default=timezone.now)
    # When a worker may next take it: the due time, a retry's back-off, or the end of a claim.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=8, blank=True, help_text="How it went: email, sms or letter")
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="message_claimable", condition=Q(status__in=["pending", "sending"])
            ),
            models.Index(fields=["about_ref"], name="message_pending_about", condition=Q(status="pending")),
            models.Index(fields=["member_id", "kind"], name="message_member_kind"),
            models.Index(fields=["status", "created_at"], name="message_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True) | Q(status="sent"), name="message_delivered_only_when_sent"
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.public_id} ({self.kind}, {self.status})"


class DeliveryAttempt(models.Model):
    """One try at delivering a message: when, by which worker and channel, and how it went.

    ``detail`` is an error's class and SMTP code at most: never an address or a text.
    """

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        HELD = "held", _("Held: no allowed channel")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="delivery_attempts")
    at = models.DateTimeField(default=timezone.now)
    worker = models.CharField(max_length=64)
    channel = models.CharField(max_length=8, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detail = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"attempt {self.pk} on message {self.message_id}: {self.outcome}"


class MarketingOptOut(models.Model):
    """A member who said no more marketing, through the link in a marketing message (MSG-2)."""

    member_id = models.BigIntegerField(unique=True)
    at = models.DateTimeField(default=timezone.now)
    from_message = models.UUIDField(null=True, blank=True, help_text="The message whose link was used")

    def __str__(self) -> str:
        return f"member {self.member_id} opted out of marketing"


class MarketingCampaign(models.Model):
    """One marketing message the privacy office sent: its reference is unique, so a form submitted
    twice sends once. It names no member and keeps no text: the outbox rows hold those, sealed."""

    ref = models.UUIDField(unique=True)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by_id = models.BigIntegerField()
    authorized = models.PositiveIntegerField(help_text="Members whose authorization covers marketing")
    queued = models.PositiveIntegerField(help_text="Of those, members who had not opted out")

    def __str__(self) -> str:
        return f"marketing campaign {self.ref}"
