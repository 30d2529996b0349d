"""Authorizations, restrictions and the disclosure ledger.

The ledger holds references, categories and purposes, never personal values (USE-3b): a row
says that a recipient received a member's insurance data for payment under a rule, not what
the data said. That is what lets it be immutable and still minimal.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Authorization(models.Model):
    """A member's written authorization or consent (USE-4): signed, dated, revocable from then on."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authorizations")
    recipient_ref = models.CharField(max_length=80, help_text="Who receives: 'practitioner:12', 'partner:3', or '*'")
    recipient_label = models.CharField(max_length=200)
    purposes = models.JSONField(help_text="Purposes from the policy file")
    categories = models.JSONField(help_text="Categories of information from the policy file")
    # Sealed under the member's data key (``privacy.authorizations``): which sensitive kinds a
    # member consents to share says they have such information; the words and the signature are theirs.
    tags = models.BinaryField(help_text="Sealed JSON list of the sensitive tags the member consents to share")
    information = models.BinaryField(help_text="Sealed: what information, in the member's words")
    signed_name = models.BinaryField(help_text="Sealed: the full name the member typed to sign")
    signed_at = models.DateTimeField(default=timezone.now)
    explicit_consent = models.BooleanField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(explicit_consent=True), name="authorization_explicit_consent"),
            models.CheckConstraint(condition=Q(signed_name__isnull=False), name="authorization_is_signed"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("signed_at")), name="authorization_expires_after_signing"
            ),
        ]
        indexes = [models.Index(fields=["member", "expires_at"], name="authorization_member_live")]

    def __str__(self) -> str:
        return f"authorization {self.public_id}"


class Restriction(models.Model):
    """A member's restriction on uses or disclosures (RIGHT-RESTRICT); binding once accepted.

    Signed and dated like an authorization: the typed name (sealed), the consent box, the time.
    Requests filed before restrictions were signed have no ``signed_at``; every later one must.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        ENDED = "ended", _("Ended")

    class Limits(models.TextChoices):
        # A use is IndigoMed's own handling (the policy's first-party recipients); a disclosure
        # is what reaches anyone else.
        USE = "use", _("Use by IndigoMed")
        DISCLOSURE = "disclosure", _("Disclosure to others")
        BOTH = "both", _("Use and disclosure")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restrictions")
    # The request on the desk that asks for it (``rights.Request.public_id``, a reference: the desk is
    # a room above); none for one the law accepts at once (paid in full) or filed before the desk.
    request_public_id = models.UUIDField(null=True, blank=True, unique=True)
    categories = models.JSONField(help_text="Which information; empty means all of it")
    purposes = models.JSONField(help_text="Which uses or disclosures; empty means every one")
    limits = models.CharField(max_length=10, choices=Limits.choices, default=Limits.BOTH)
    recipient_ref = models.CharField(max_length=80, blank=True, help_text="Who must not receive it; blank: anyone")
    recipient_label = models.CharField(max_length=200, blank=True)
    paid_in_full = models.BooleanField(default=False, help_text="Care paid in full, kept from a health plan")
    signed_name = models.BinaryField(null=True, help_text="Sealed: the full name the member typed to sign")
    explicit_consent = models.BooleanField(default=False)
    signed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Sealed under the member's data key: the office's reasons speak of the member.
    refusal_reason = models.BinaryField(null=True, help_text="Sealed: why the office refused")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member"], name="restriction_accepted", condition=Q(status="accepted"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(signed_name__isnull=False, explicit_consent=True),
                name="restriction_signed_with_consent",
            ),
            # A signed request refused without a reason would leave the member guessing.
            models.CheckConstraint(
                condition=~Q(status="refused") | Q(signed_at__isnull=True) | Q(refusal_reason__isnull=False),
                name="restriction_refused_with_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(ended_at__isnull=False), name="restriction_ended_when"
            ),
        ]

    def __str__(self) -> str:
        return f"restriction {self.public_id}"


class BusinessPartner(models.Model):
    """A processor working for IndigoMed (hosting, billing, messaging), under an agreement (USE-6)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=160)
    agreement_reference = models.CharField(max_length=120, help_text="The business associate agreement")
    agreement_signed_on = models.DateField()
    purposes = models.JSONField(help_text="What it may receive information for")
    categories = models.JSONField(help_text="Which information it may receive")
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name

    @property
    def recipient_ref(self) -> str:
        return f"partner:{self.slug}"


class TransferNotice(models.Model):
    """A merger or acquisition that will transfer members' information, announced first (USE-7)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    acquirer = models.CharField(max_length=200)
    effective_on = models.DateField()
    text = models.TextField()
    announced_at = models.DateTimeField(default=timezone.now)
    announced_by_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"transfer to {self.acquirer}"


class TransferNotification(models.Model):
    """That one member was told of a transfer, and when."""

    notice = models.ForeignKey(TransferNotice, on_delete=models.PROTECT, related_name="notifications")
    member_id = models.BigIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "member_id"], name="told_once_per_transfer")]

    def __str__(self) -> str:
        return f"transfer notification {self.pk}"


class CareRelationship(models.Model):
    """A practitioner or facility caring for a member: made by a booking or a referral (USE-5)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_relationships")
    recipient_ref = models.CharField(max_length=80)
    source_ref = models.CharField(max_length=80, help_text="What made it: 'appointment:<uuid>', 'referral:<uuid>'")
    established_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "recipient_ref", "source_ref"], name="care_relationship_once"),
        ]

    def __str__(self) -> str:
        return f"care relationship {self.pk}"


class OfficeDecision(models.Model):
    """A recorded, reasoned decision of the privacy office to disclose some of one member's
    information to one recipient, for safety, claims or enforcing the terms (HIPAA 164.512(j),
    notice [I]). What is disclosed under it is a ledger entry that the member's accounting lists."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member_id = models.BigIntegerField()
    purpose = models.CharField(max_length=40)
    recipient_ref = models.CharField(max_length=80)
    recipient_label = models.CharField(max_length=200)
    categories = models.JSONField(help_text="Which information it lets out")
    # Sealed under the member's data key: the reasons speak of the member.
    reason = models.BinaryField(help_text="Sealed: why the office decided so")
    decided_by_id = models.BigIntegerField()
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["member_id"], name="office_decision_member")]

    def __str__(self) -> str:
        return f"office decision {self.public_id}"


class Disclosure(models.Model):
    """One entry of the disclosure ledger (LEDGER-1): append-only, hash-chained per member.

    ``member_id`` is a reference, not a foreign key, so the ledger outlives what it refers to.
    The database refuses UPDATE and DELETE (triggers on SQLite and PostgreSQL alike).
    """

    member_id = models.BigIntegerField()
    seq = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField()
    recipient_kind = models.CharField(max_length=20)
    recipient_ref = models.CharField(max_length=80)
    recipient_label = models.CharField(max_length=200)
    purpose = models.CharField(max_length=40)
    categories = models.CharField(max_length=200)
    # Sealed under the member's key as base64 (``privacy.sealed``); the entry's hash covers that text.
    tags = models.CharField(max_length=200, blank=True)
    legal_basis = models.CharField(max_length=200)
    rule = models.CharField(max_length=120)
    in_accounting = models.BooleanField()
    authorization_id = models.BigIntegerField(null=True, blank=True)
    legal_demand_id = models.BigIntegerField(null=True, blank=True)
    subject_refs = models.TextField(blank=True, help_text="References to what was disclosed, never its content")
    policy_version = models.CharField(max_length=40)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member_id", "seq"], name="ledger_one_entry_per_position")]
        indexes = [
            models.Index(
                fields=["member_id", "occurred_at"], name="ledger_accounting", condition=Q(in_accounting=True)
            ),
        ]

    def __str__(self) -> str:
        return f"disclosure {self.pk}"


class DisclosedItem(models.Model):
    """That a recipient has received one version of one item of a member's information for a purpose
    (LEDGER-1: a disclosure happens once; a look is an access). ``disclose`` writes a ledger entry
    only for items it can add here; later looks at the same version are access-log rows only.

    The fingerprint is a keyed hash (``privacy.ledger.fingerprint``) of the recipient, purpose,
    categories, item reference and version, so this table shows neither what was disclosed nor to
    whom; losing a row costs one more ledger entry, never a missing one.
    """

    member_id = models.BigIntegerField()
    fingerprint = models.CharField(max_length=64)
    first_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member_id", "fingerprint"], name="disclosed_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"disclosed item {self.pk}"


class LedgerCheckpoint(models.Model):
    """A hash over every chain head at a moment, so that dropping a whole chain is detected too."""

    created_at = models.DateTimeField(default=timezone.now)
    covers_until = models.DateTimeField(help_text="Entries that occurred up to this instant are covered")
    chains = models.PositiveBigIntegerField()
    entries = models.PositiveBigIntegerField()
    heads_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        # A checkpoint chain is a line: two checkpoints on one predecessor would be a fork.
        constraints = [models.UniqueConstraint(fields=["prev_hash"], name="checkpoint_chain_never_forks")]

    def __str__(self) -> str:
        return f"ledger checkpoint {self.pk}"
