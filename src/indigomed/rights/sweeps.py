"""The worker's sweep of the desk: officers reminded before a request's deadline passes, and once
when it has passed (SPEC §4: "reminds staff before a deadline passes").

Each reminder is claimed by inserting its ``OfficerReminder`` row (request, deadline, threshold)
in the transaction that queues its messages: a second sweep, or a second worker racing this one,
finds the row and sends nothing. An extension is a new deadline, with thresholds of its own.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from indigomed.accounts.models import PrivacyOfficer
from indigomed.conf import product_setting
from indigomed.messaging.rights import queue_request_message
from indigomed.rights.models import OfficerReminder, Request
from indigomed.rights.queries import open_requests
from indigomed.security.services import record_event

OVERDUE = "overdue"


def reminder_days() -> list[int]:
    """The days before a deadline at which the office is reminded (``REQUEST_REMINDER_DAYS``), nearest last."""
    text = str(product_setting("REQUEST_REMINDER_DAYS"))
    return sorted({int(part) for part in text.split(",") if part.strip()}, reverse=True)


def _threshold(deadline: dt.datetime, now: dt.datetime, days: list[int]) -> str | None:
    """The most urgent threshold reached: overdue, else the fewest days before the deadline."""
    if now >= deadline:
        return OVERDUE
    reached = [d for d in days if now >= deadline - dt.timedelta(days=d)]
    return f"{min(reached)}d" if reached else None


def remind_officers(*, now: dt.datetime | None = None) -> int:
    """Remind the officer a request is assigned to (everyone in the office when nobody is) of each
    threshold its deadline reaches, once. Returns how many reminders were sent."""
    now = now or timezone.now()
    days = reminder_days()
    horizon = now + dt.timedelta(days=max(days, default=0))
    everyone = list(PrivacyOfficer.objects.values_list("user_id", flat=True))
    sent = 0
    # An extended deadline is later than its first one: the first one's horizon finds both.
    candidates = list(open_requests().filter(due_at__lte=horizon))
    done = set(
        OfficerReminder.objects.filter(request__in=candidates).values_list("request_id", "deadline_at", "threshold")
    )
    for request in candidates:
        deadline = request.answer_by
        threshold = _threshold(deadline, now, days)
        if threshold is None or (request.pk, deadline, threshold) in done:
            continue
        if _remind(request, deadline, threshold, everyone):
            sent += 1
    return sent


def _remind(request: Request, deadline: dt.datetime, threshold: str, everyone: list[int]) -> bool:
    officers = [request.officer_id] if request.officer_id else everyone
    try:
        with transaction.atomic():
            OfficerReminder.objects.create(request=request, deadline_at=deadline, threshold=threshold)
            for officer_id in officers:
                queue_request_message(
                    member_id=officer_id,
                    kind="request-due",
                    context={
                        "due_on": deadline.date().isoformat(),
                        "overdue": threshold == OVERDUE,
                        "assigned": request.officer_id is not None,
                        "link": reverse("rights_office:detail", args=[request.public_id]),
                    },
                    about_ref=request.ref,
                )
            record_event(
                actor=None,
                action="request.reminded",
                member_id=request.member_id,
                subject_ref=request.ref,
                details={"threshold": threshold, "officers": len(officers)},
            )
    except IntegrityError:
        return False  # reminded already, by an earlier sweep or another worker
    return True
