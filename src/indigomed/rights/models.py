"""Members' requests (SPEC §4): every right is a request, written, signed and dated, with a due date.

A request holds references, states and dates. What the member wrote, and the name they signed
with, are sealed correspondence in ``records`` (PI-1), referred to by ``correspondence_id``; a
scanned letter is a sealed file; the office's reasons are sealed under the member's key. The
database refuses a request without a due date, in an unknown state, concluded as partly fulfilled
or denied without reasons, or extended without a reason.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Request(models.Model):
    class Kind(models.TextChoices):
        ACCESS = "access", _("A copy of my records")
        AMENDMENT = "amendment", _("An amendment of my records")
        ACCOUNTING = "accounting", _("An accounting of disclosures")
        RESTRICTION = "restriction", _("A restriction on uses or disclosures")
        QUESTION = "question", _("A question to the privacy office")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_REVIEW = "in_review", _("In review")
        FULFILLED = "fulfilled", _("Fulfilled")
        PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
        DENIED = "denied", _("Denied")

    class Signature(models.TextChoices):
        ONLINE = "online", _("Signed online by the member")
        LETTER = "letter", _("A signed letter, scanned and entered by the privacy office")
        EMAIL = "email", _("An e-mail, entered by the privacy office")

    OPEN = (State.RECEIVED, State.IN_REVIEW)
    CONCLUDED = (State.FULFILLED, State.PARTLY_FULFILLED, State.DENIED)
    NEEDS_REASONS = (State.PARTLY_FULFILLED, State.DENIED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rights_requests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    # Where the member lived when they asked: the deadlines of that jurisdiction apply.
    jurisdiction = models.CharField(max_length=20)
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(help_text="The stricter of the notice's and the law's deadline")
    extended_due_at = models.DateTimeField(null=True, blank=True, help_text="After the one extension the law allows")
    extension_reason = models.BinaryField(null=True, blank=True, help_text="Sealed: why, as told to the member")
    extended_at = models.DateTimeField(null=True, blank=True)
    signature = models.CharField(max_length=10, choices=Signature.choices)
    signed_at = models.DateTimeField(help_text="When the member signed (the date on a letter or e-mail)")
    consent = models.BooleanField(default=False, help_text="The member ticked that they sign (online only)")
    correspondence_id = models.BigIntegerField(help_text="The sealed correspondence entry: their words and name")
    # Sealed under the member's data key, like a legal demand's document: the file is ciphertext.
    scan = models.FileField(upload_to="rights/letters/%Y/%m/", blank=True)
    scan_type = models.CharField(max_length=40, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_requests"
    )
    review_started_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    reasons = models.BinaryField(null=True, blank=True, help_text="Sealed: the office's reasons for its answer")
    # The one-time key of the form (or API call) that filed it: sent twice, it files one request.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["received", "in_review", "fulfilled", "partly_fulfilled", "denied"]),
                name="request_state_known",
            ),
            models.CheckConstraint(condition=Q(due_at__isnull=False), name="request_has_due_date"),
            models.CheckConstraint(condition=Q(due_at__gt=F("received_at")), name="request_due_after_received"),
            models.CheckConstraint(
                condition=Q(extended_due_at__isnull=True) | Q(extended_due_at__gt=F("due_at")),
                name="request_extension_later",
            ),
            models.CheckConstraint(
                condition=Q(extended_due_at__isnull=True, extension_reason__isnull=True, extended_at__isnull=True)
                | Q(extended_due_at__isnull=False, extension_reason__isnull=False, extended_at__isnull=False),
                name="request_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["partly_fulfilled", "denied"]) | Q(reasons__isnull=False),
                name="request_refusal_has_reasons",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["received", "in_review"], concluded_at__isnull=True)
                | Q(state__in=["fulfilled", "partly_fulfilled", "denied"], concluded_at__isnull=False),
                name="request_concluded_when_concluded",
            ),
            models.CheckConstraint(
                condition=Q(signature="online", consent=True, entered_by__isnull=True)
                | Q(signature__in=["letter", "email"], entered_by__isnull=False),
                name="request_is_signed",
            ),
        ]
        constraints += [
            models.UniqueConstraint(fields=["member", "submission_key"], name="request_filed_once_per_submission"),
        ]
        indexes = [
            models.Index(fields=["member", "-received_at"], name="request_member_newest"),
            models.Index(
                fields=["due_at"], name="request_open_by_due", condition=Q(state__in=["received", "in_review"])
            ),
        ]

    def __str__(self) -> str:
        return f"request {self.public_id}"

    @property
    def answer_by(self) -> dt.datetime:
        """The deadline in force: the extended one once extended."""
        return self.extended_due_at or self.due_at

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN

    @property
    def ref(self) -> str:
        return f"request:{self.public_id}"


class OfficerReminder(models.Model):
    """That the office was reminded of a request's deadline at one threshold: once, whatever the
    number of workers or sweeps (the unique constraint is the guard). A new deadline (an
    extension) has thresholds of its own."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="reminders")
    deadline_at = models.DateTimeField()
    threshold = models.CharField(max_length=12, help_text="'7d', '2d'… before the deadline, or 'overdue'")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "deadline_at", "threshold"], name="reminded_once_per_threshold")
        ]

    def __str__(self) -> str:
        return f"reminder {self.threshold} for request {self.request_id}"


class Accounting(models.Model):
    """What an accounting request asks for (RIGHT-ACCOUNT): the period as the member picked it and
    as it was cut to the look-back, how it is delivered, the fee shown and accepted, and, once
    fulfilled, which ledger entries it listed (references, so the answer can be downloaded again)."""

    class Delivery(models.TextChoices):
        ELECTRONIC = "electronic", _("Downloads (PDF, CSV, JSON)")
        PAPER = "paper", _("A letter by post")

    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="accounting")
    asked_from = models.DateField()
    asked_until = models.DateField()
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    cut_to_lookback = models.BooleanField(default=False)
    lookback_days = models.PositiveIntegerField()
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    fee_cents = models.PositiveIntegerField(default=0)
    fee_currency = models.CharField(max_length=3, blank=True)
    fee_accepted = models.BooleanField(default=False)
    entry_ids = models.JSONField(null=True, blank=True, help_text="Ledger entries listed, once fulfilled")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(fee_cents=0) | Q(fee_accepted=True), name="accounting_fee_accepted"),
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="accounting_period_forward"),
        ]

    def __str__(self) -> str:
        return f"accounting for request {self.request_id}"


class Shredding(models.Model):
    """An account the privacy office closed for good, and when its member was shredded (CHILD-2,
    PI-3). While it waits for its one message to be delivered it names the member; once shredded,
    ``member_id`` is emptied and the row says only why, who decided, when, and how the message went.
    """

    class Reason(models.TextChoices):
        CHILD_UNDER_13 = "child_under_13", _("The account belongs to a child under 13")
        ERASURE = "erasure", _("The member's data is erased at their request or by law")

    class Basis(models.TextChoices):
        PARENT_SAID = "parent_said", _("A parent or guardian told us")
        MEMBER_SAID = "member_said", _("The member told us")
        DOCUMENT = "document", _("A document showed it")
        PRACTICE_SAID = "practice_said", _("A practice told us")
        MEMBER_ASKED = "member_asked", _("The member asked for it")
        LAW = "law", _("The law requires it")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member_id = models.BigIntegerField(null=True, blank=True, help_text="Until shredded; then empty")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # How the office learned it: a code, never the words or documents of whoever said so.
    basis = models.CharField(max_length=20, choices=Basis.choices, blank=True)
    decided_by_id = models.BigIntegerField()
    decided_at = models.DateTimeField(default=timezone.now)
    message_public_id = models.UUIDField(null=True, blank=True, help_text="The one message about it, if any")
    # How that message went, kept once the outbox row is gone: sent, held, dead, withdrawn or none.
    message_outcome = models.CharField(max_length=10, blank=True)
    shredded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One shredding per account at a time: a form sent twice finds the first.
            models.UniqueConstraint(
                fields=["member_id"], condition=Q(shredded_at__isnull=True), name="one_open_shredding_per_member"
            ),
            models.CheckConstraint(
                condition=Q(shredded_at__isnull=True, member_id__isnull=False)
                | Q(shredded_at__isnull=False, member_id__isnull=True),
                name="shredding_names_the_member_only_until_done",
            ),
        ]
        indexes = [models.Index(fields=["-decided_at"], name="shredding_newest")]

    def __str__(self) -> str:
        return f"shredding {self.public_id}"
