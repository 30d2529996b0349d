"""Who signs in: members (patients), practitioners and staff, and the privacy office."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indigomed.precompiled import Precompiled
from indigomed.records.sign_in_keys import is_sign_in_key, seal_address, sign_in_key


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        """An account signing in with ``email``, which is kept sealed; the row holds its sign-in key."""
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=sign_in_key(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        seal_address(user_id=user.pk, address=email)
        return user

    def get(self, *args: Any, **kwargs: Any) -> User:
        # The signed-in user is loaded by primary key on every request (django.contrib.auth's
        # get_user): by a statement compiled once. Related managers, which subclass this one and
        # add their own filter, and any other look-up go the ORM's usual way.
        pk = kwargs.get("pk")
        if type(self) is UserManager and self._db is None and not args and len(kwargs) == 1 and type(pk) is int:
            loading = LOADING_SIGNED_IN.get()
            if isinstance(loading, User) and loading.pk == pk:
                # Read with the session (``accounts.session_store``), roles and all.
                found = [loading]
            elif loading:
                # The request's user: what they are (``accounts.roles``) comes in the same statement.
                annotated = USER_AND_ROLES_BY_PK.annotated(pk)
                found = [user for user, _ in annotated]
                if found:
                    setattr(found[0], ACTOR_ROWS, [roles for _, roles in annotated])
            else:
                found = _USER_BY_PK.objects(pk)
            if not found:
                raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
            return found[0]
        return super().get(*args, **kwargs)

    def get_by_natural_key(self, username: str | None) -> User:
        # Django's own sign-in paths (and management commands) pass the address as typed.
        typed = username or ""
        return self.get(email=typed if is_sign_in_key(typed) else sign_in_key(typed))

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address; their roles hang off other models."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The sign-in key of the address, never the address itself (``records.sign_in``).
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    def __str__(self) -> str:
        return self.display_name or f"user {self.public_id}"


# Set while the signed-in user of a request is loaded (``accounts.authentication``): to the user
# already read with the session, if it was.
LOADING_SIGNED_IN: ContextVar[bool | User] = ContextVar("indigomed_loading_signed_in", default=False)
# Where a user loaded so keeps those rows until ``accounts.roles.load_actor`` takes them.
ACTOR_ROWS = "_indigomed_actor_rows"
# What a user is, one row per facility they staff: member, practitioner, privacy officer, and each
# facility with the role held there (read by ``accounts.roles.load_actor``).
ROLE_COLUMNS = (
    "member__id",
    "practitioner__id",
    "privacy_officer__id",
    "facility_staff__facility_id",
    "facility_staff__role",
)
_USER_BY_PK = Precompiled(lambda pk: User.objects.filter(pk=pk))
USER_AND_ROLES_BY_PK = Precompiled(
    lambda pk: User.objects.filter(pk=pk).annotate(**{f"role_{i}": F(column) for i, column in enumerate(ROLE_COLUMNS)})
)


class Member(models.Model):
    """A patient account holder, 13 or over at sign-up (CHILD-1). Their personal information
    (date of birth, country, contact data...) lives sealed in ``records``.

    In France a member under 15 also needs a parent's consent: until the parent gives it
    through the link IndigoMed e-mails them, the account can sign in but not book.
    """

    class Country(models.TextChoices):
        US = "US", _("United States")
        FR = "FR", _("France")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="member")
    created_at = models.DateTimeField(default=timezone.now)
    parental_consent_needed = models.BooleanField(default=False)
    parental_consent_requested_at = models.DateTimeField(null=True, blank=True)
    parental_consent_at = models.DateTimeField(null=True, blank=True)
    LANGUAGES = [("en", "English"), ("fr", "Français")]
    # The language IndigoMed writes to the member in (MSG-1); chosen at sign-up and in /me/contact/.
    language = models.CharField(max_length=2, choices=LANGUAGES, default="en")

    def __str__(self) -> str:
        return f"member {self.pk}"


class PrivacyOfficer(models.Model):
    """A member of the privacy office, who works requests and legal demands."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="privacy_officer")
    since = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"privacy officer {self.pk}"


class SignedInSession(models.Model):
    """One browser a person signed in from, so they can see it and end it (SEC-1). The session
    itself is Django's; this names it: a short summary of the browser and a truncated address."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    browser = models.CharField(max_length=80, blank=True)
    # The network, never the address: IPv4 to /24, IPv6 to /48.
    network = models.CharField(max_length=50, blank=True)
    signed_in_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"signed-in session of user {self.user_id}"


class LostContactReport(models.Model):
    """A lost phone or a compromised e-mail address, reported by the member or by the privacy
    office for them (SEC-4): what was done, and, for the office, which identity checks it made.
    Kinds and check codes only, never the values lost or given."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("A lost or stolen phone")
        EMAIL = "email", _("A compromised e-mail address")

    class Check(models.TextChoices):
        SIGN_IN_ADDRESS = "sign_in_address", _("They wrote from the address the account signs in with")
        DATE_OF_BIRTH = "date_of_birth", _("They gave the date of birth on the account")
        RECENT_VISIT = "recent_visit", _("They named a recent visit: practitioner and day")
        IDENTITY_DOCUMENT = "identity_document", _("They showed an identity document")
        CALL_BACK = "call_back", _("We called them back on a number we already had")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="lost_contact_reports")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    reported_at = models.DateTimeField(default=timezone.now)
    reported_by_id = models.BigIntegerField(help_text="The member, or the officer who took the report")
    checks = models.JSONField(default=list, blank=True, help_text="The office's identity checks, as codes")
    sessions_ended = models.PositiveIntegerField(default=0)
    second_factors_revoked = models.PositiveIntegerField(default=0)
    # When the new value was checked (a code typed back, an address confirmed).
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One open report per kind: the same report sent twice is one.
            models.UniqueConstraint(
                fields=["user", "kind"], condition=models.Q(resolved_at__isnull=True), name="one_open_lost_contact"
            ),
        ]

    def __str__(self) -> str:
        return f"lost contact report {self.public_id}"


class Guardianship(models.Model):
    """A member who manages another member's account (CHILD-3): their child under the age of digital
    consent, or an adult whose legal guardian they are (with the court's document). The dependent
    is a member of their own; the guardian acts for them, each act recorded as the guardian's."""

    class Kind(models.TextChoices):
        CHILD = "child", _("Child")
        ADULT_WARD = "adult_ward", _("Adult under guardianship")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    guardian = models.ForeignKey(User, on_delete=models.CASCADE, related_name="guardianships")
    dependent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="guarded_by")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The guardianship document, sealed under the dependent's data key; required for an adult ward.
    document = models.BinaryField(null=True, blank=True)
    document_type = models.CharField(max_length=40, blank=True)

    class EndReason(models.TextChoices):
        TOOK_OVER = "took_over", _("The dependent took over their account")
        GIVEN_UP = "given_up", _("The guardian gave it up")
        COURT_ORDER_ENDED = "court_order_ended", _("The court order ended or was lifted")
        GUARDIAN_REPLACED = "guardian_replaced", _("Another guardian was appointed")
        GUARDIAN_DIED = "guardian_died", _("The guardian died")

    since = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    # The adding form's one-time key: the same form sent twice adds the dependent once.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(guardian=models.F("dependent")), name="guardianship_not_of_oneself"
            ),
            models.UniqueConstraint(fields=["guardian", "submission_key"], name="dependent_added_once_per_submission"),
            models.UniqueConstraint(
                fields=["guardian", "dependent"],
                condition=models.Q(ended_at__isnull=True),
                name="one_active_guardianship_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="adult_ward") | models.Q(document__isnull=False),
                name="adult_ward_guardianship_has_its_document",
            ),
        ]

    def __str__(self) -> str:
        return f"guardianship {self.pk}"


class TakeOverInvitation(models.Model):
    """An invitation for a child who reached the local age to take over their own account (CHILD-3).

    The link carries the invitation's id, signed; it works once, until ``expires_at``, and only
    while the guardianship it belongs to is active. A newer invitation replaces an unused one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    guardianship = models.ForeignKey(Guardianship, on_delete=models.CASCADE, related_name="invitations")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Whether it also went to an address the guardian gave for the dependent (the address is not kept).
    to_dependent = models.BooleanField(default=False)
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"take-over invitation {self.pk}"
