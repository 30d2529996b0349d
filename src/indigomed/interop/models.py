"""Copies given to members, and the items a clinician withholds from them (RIGHT-ACCESS).

What speaks of the member (a clinician's reason, a reviewer's, the copy itself) is sealed under the
member's data key by the privacy room (``privacy.copies``): these rows hold references, dates and
ciphertext, so crypto-shredding a member leaves nothing of theirs readable here either.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Withholding(models.Model):
    """A clinician's decision that one item of a member's records stays out of their copies, because
    access to it is reasonably likely to endanger the life or physical safety of the member or
    someone else (HIPAA 45 CFR 164.524(a)(3)(i); GDPR art. 15(4)). The reason is told to the member,
    who may ask for a review; a review that overturns it lifts it for every later copy."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member_id = models.BigIntegerField()
    # "appointment:<uuid>": the booking and the visit record it made, withheld together.
    item_ref = models.CharField(max_length=80)
    reason = models.BinaryField(help_text="Sealed: why access could cause harm, in words the member reads")
    withheld_by_practitioner_id = models.BigIntegerField()
    withheld_by_user_id = models.BigIntegerField()
    withheld_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True, help_text="When a review overturned it")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member_id", "item_ref"], condition=Q(lifted_at__isnull=True), name="withheld_once_per_item"
            ),
        ]
        indexes = [models.Index(fields=["member_id"], name="withholding_member")]

    def __str__(self) -> str:
        return f"withholding {self.public_id}"


class WithholdingReview(models.Model):
    """The member's request that another licensed professional, whom the privacy office assigns and
    who took no part in the denial, review it (HIPAA 45 CFR 164.524(a)(4), (d)(4))."""

    class Status(models.TextChoices):
        ASKED = "asked", _("Asked, waiting for the office to assign a reviewer")
        ASSIGNED = "assigned", _("With the reviewer")
        UPHELD = "upheld", _("Upheld: the item stays withheld")
        OVERTURNED = "overturned", _("Overturned: the item is in your next copy")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    withholding = models.OneToOneField(Withholding, on_delete=models.PROTECT, related_name="review")
    member_id = models.BigIntegerField()
    # Copied from the withholding so the database itself refuses its author as reviewer.
    withheld_by_practitioner_id = models.BigIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ASKED)
    asked_at = models.DateTimeField(default=timezone.now)
    reviewer_practitioner_id = models.BigIntegerField(null=True, blank=True)
    assigned_by_user_id = models.BigIntegerField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.BinaryField(null=True, help_text="Sealed: the reviewer's reasons")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewer_practitioner_id__isnull=True)
                | ~Q(reviewer_practitioner_id=F("withheld_by_practitioner_id")),
                name="review_not_by_the_denials_author",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["asked"]) | Q(reviewer_practitioner_id__isnull=False),
                name="review_past_asked_has_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["upheld", "overturned"]) | Q(decided_at__isnull=False),
                name="review_decided_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="review_open", condition=Q(status__in=["asked", "assigned"]))]

    def __str__(self) -> str:
        return f"withholding review {self.public_id}"


class CopyGiven(models.Model):
    """A copy of a member's records given to them: FHIR R4 bundle and PDF, sealed, with the fee it
    cost. Giving it is a ledger entry (a disclosure to the member); each download is an access."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member_id = models.BigIntegerField()
    given_at = models.DateTimeField(default=timezone.now)
    given_by_user_id = models.BigIntegerField(null=True, blank=True)
    fee_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    # What asked for it, when the desk did: "request:<uuid>"; blank when the member took it at once.
    request_ref = models.CharField(max_length=80, blank=True)
    bundle = models.BinaryField(help_text="Sealed FHIR R4 bundle (JSON)")
    pdf = models.BinaryField(help_text="Sealed PDF")
    withheld = models.PositiveIntegerField(default=0, help_text="How many items a clinician withheld from it")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request_ref"], condition=~Q(request_ref=""), name="one_copy_per_request"),
        ]
        indexes = [models.Index(fields=["member_id", "-given_at"], name="copy_member_newest")]

    def __str__(self) -> str:
        return f"copy {self.public_id}"

    @property
    def fee_label(self) -> str:
        return "free" if not self.fee_cents else f"{self.fee_cents / 100:.2f} {self.currency}"


class FeeAccepted(models.Model):
    """The fee a member was shown and accepted when asking for a copy through the desk (a request's
    reference: ``request:<uuid>``), so the copy given for that request charges exactly that."""

    request_ref = models.CharField(max_length=80, unique=True)
    member_id = models.BigIntegerField()
    fee_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    accepted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"fee accepted for {self.request_ref}"
