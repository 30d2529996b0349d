"""The join page of a video visit (BOOK-7): signed in, the member or practitioner enters the room."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from indigomed.scheduling.video import joining
from indigomed.web.feedback import refusals_as_pages


@login_required
@refusals_as_pages
def join(request: HttpRequest, public_id: str) -> HttpResponse:
    way = joining(user_id=request.user.pk or 0, public_id=str(public_id), now=timezone.now())
    if way.room:
        return redirect(way.room)
    zone = ZoneInfo(way.appointment.role.facility.timezone)
    # Gone (410) once it cannot take place any more; not yet open is a page to come back to.
    status = 410 if way.cancelled or way.over else 200
    return render(request, "scheduling/video_join.html", {"way": way, "zone": zone}, status=status)
