"""Connect: the practice's day and week, and marking visits (BOOK-4)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from indigomed.directory.models import PractitionerRole
from indigomed.errors import DomainError
from indigomed.scheduling import queries, services
from indigomed.scheduling.forms import VisitStatusForm


def _practice_zone(request: HttpRequest) -> ZoneInfo | None:
    role = (
        PractitionerRole.objects.filter(pk__in=queries.roles_managed_by(request.user))
        .select_related("facility")
        .order_by("pk")
        .first()
    )
    return ZoneInfo(role.facility.timezone) if role else None


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    zone = _practice_zone(request)
    if zone is None:
        return render(request, "connect/not_practice.html", status=403)
    view = "week" if request.GET.get("view") == "week" else "day"
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.now().astimezone(zone).date()
    first = day - dt.timedelta(days=day.weekday()) if view == "week" else day
    span = 7 if view == "week" else 1
    start = dt.datetime.combine(first, dt.time(0, 0), tzinfo=zone)
    end = dt.datetime.combine(first + dt.timedelta(days=span), dt.time(0, 0), tzinfo=zone)
    by_day: dict[dt.date, list[object]] = defaultdict(list)
    for a in queries.practice_calendar(request.user, start=start, end=end):
        by_day[a.starts_at.astimezone(zone).date()].append(a)
    days = [(first + dt.timedelta(days=i), by_day.get(first + dt.timedelta(days=i), [])) for i in range(span)]
    return render(
        request,
        "connect/calendar.html",
        {
            "zone": zone,
            "view": view,
            "day": day,
            "days": days,
            "previous": first - dt.timedelta(days=span),
            "next": first + dt.timedelta(days=span),
            "status_form": VisitStatusForm(),
        },
    )


@login_required
@require_POST
def mark(request: HttpRequest, public_id: str) -> HttpResponse:
    form = VisitStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose checked in, completed or no-show.")
    else:
        try:
            a = services.set_visit_status(actor=request.user, public_id=public_id, status=form.cleaned_data["status"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Marked {a.get_status_display().lower()}.")
    back = request.POST.get("back", "")
    return redirect(back if back.startswith("/connect/") else "connect:calendar")
