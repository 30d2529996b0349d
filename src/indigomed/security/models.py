"""The access log (SEC-2): who read which member's information, when and why, allowed or not."""

from __future__ import annotations

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
