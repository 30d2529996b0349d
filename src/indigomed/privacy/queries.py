"""Reads of the ledger: the accounting of disclosures (RIGHT-ACCOUNT engine)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from indigomed.privacy.models import Disclosure
from indigomed.privacy.policy import current_policy
from indigomed.privacy.subjects import load_subjects


def accounting_window(member_id: int, start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The period an accounting may cover: never older than the look-back (the longer of the
    notice's and the member's jurisdiction's)."""
    subject = load_subjects([member_id])[member_id]
    lookback = dt.timedelta(days=current_policy().accounting_lookback_days(subject.jurisdiction))
    return max(start, timezone.now() - lookback), end


def accounting_for(member_id: int, start: dt.datetime, end: dt.datetime) -> QuerySet[Disclosure]:
    """The disclosures an accounting lists: those its purpose's rule marks for accounting (no
    treatment, payment, operations, authorized or other exempt ones), oldest first."""
    start, end = accounting_window(member_id, start, end)
    return Disclosure.objects.filter(
        member_id=member_id, in_accounting=True, occurred_at__gte=start, occurred_at__lt=end
    ).order_by("occurred_at", "seq")
