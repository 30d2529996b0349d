"""Public profile pages (DIR-1)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from indigomed.directory.queries import facility_profile, practitioner_profile
from indigomed.scheduling import visit_choice
from indigomed.web.feedback import refusals_as_pages


@require_http_methods(["GET", "HEAD", "POST"])
@refusals_as_pages
def practitioner(request: HttpRequest, slug: str) -> HttpResponse:
    p = practitioner_profile(slug)
    # The times offered are those that fit what the visitor says first: new or returning, and why.
    booking = visit_choice.offer(request, p, list(p.active_roles))  # type: ignore[attr-defined]
    if request.method == "POST" and booking.said is not None:
        return redirect("practitioner", slug=slug)
    specialties = list(p.specialties.all())
    return render(
        request,
        "directory/practitioner.html",
        {
            "practitioner": p,
            "specialties": specialties,
            "reasons": [r for s in specialties for r in s.visit_reasons.all()],
            "booking": booking,
            "locations": booking.locations,
        },
        status=400 if request.method == "POST" else 200,
    )


@refusals_as_pages
def facility(request: HttpRequest, slug: str) -> HttpResponse:
    f = facility_profile(slug)
    return render(request, "directory/facility.html", {"facility": f, "roles": f.active_roles})  # type: ignore[attr-defined]
