"""The privacy notice and the Terms of Use as published documents (NOTICE-1, RIGHT-PAPER, [A]).

A version is written once, at publishing, and never changed: the database refuses an update or a
delete (a trigger on both engines), so what a member acknowledged is what they read. A change is
a new version with its own effective date; every past one stays readable at its own address.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeVersion(models.Model):
    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Privacy notice")
        TERMS = "terms", _("Terms of Use")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.PositiveIntegerField(help_text="1, 2, 3… within its kind; its address is /<kind>/v/<number>/")
    effective_on = models.DateField()
    # Markdown with placeholders such as {{ policy.accounting_answer_days }}, filled at display time.
    body_en = models.TextField()
    body_fr = models.TextField()
    # What changed since the version before, told to members and shown when they acknowledge.
    changes_en = models.TextField(blank=True)
    changes_fr = models.TextField(blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="notice_version_number_once"),
            models.CheckConstraint(condition=Q(kind__in=["privacy", "terms"]), name="notice_version_kind_known"),
            models.CheckConstraint(condition=Q(number__gte=1), name="notice_version_number_positive"),
            # Both languages, always: a member reads the version they are held to in their own.
            models.CheckConstraint(condition=~Q(body_en="") & ~Q(body_fr=""), name="notice_version_both_languages"),
            # After the first, a version says what changed, in both languages.
            models.CheckConstraint(
                condition=Q(number=1) | (~Q(changes_en="") & ~Q(changes_fr="")),
                name="notice_version_changes_told",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.number}"

    @property
    def ref(self) -> str:
        return f"notice:{self.kind}-v{self.number}"


class NoticeAcknowledgement(models.Model):
    """A member's word that they read a version: accepted at sign-up, or acknowledged after a change."""

    class How(models.TextChoices):
        SIGN_UP = "sign_up", _("Accepted at sign-up")
        CHANGES = "changes", _("Acknowledged after reading what changed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_acknowledgements")
    version = models.ForeignKey(NoticeVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    how = models.CharField(max_length=10, choices=How.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="notice_acknowledged_once")]

    def __str__(self) -> str:
        return f"{self.version} acknowledged by user {self.user_id}"


class NoticeQuestion(models.Model):
    """That a member was asked, at a sign-in, to read what changed in a version: asked once per
    version, whatever they answered. (The notice page keeps offering it until they acknowledge.)"""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(NoticeVersion, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="notice_asked_once")]

    def __str__(self) -> str:
        return f"{self.version} asked of user {self.user_id}"


class NoticeAnnouncement(models.Model):
    """Telling every member of a new privacy-notice version, in batches: how far it has gone.

    The members to tell are those who joined before the version was published, taken in order of
    their user id; ``after_user_id`` is the last one told, so a worker that stops resumes there.
    """

    version = models.OneToOneField(NoticeVersion, on_delete=models.PROTECT, related_name="announcement")
    after_user_id = models.BigIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"announcement of {self.version}"
