"""What IndigoMed keeps about a member's care: for now, the history of completed visits (BOOK-4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class VisitRecord(models.Model):
    """A completed visit as medical history: previous doctor, facility, reason and date [C]."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_records")
    appointment_public_id = models.UUIDField(unique=True)
    practitioner_name = models.CharField(max_length=200)
    facility_name = models.CharField(max_length=200)
    reason = models.CharField(max_length=200)
    visit_date = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visit_date"]

    def __str__(self) -> str:
        return f"visit record {self.pk}"
