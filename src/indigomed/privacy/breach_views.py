"""The privacy office's breach pages (SEC-3): record an incident, watch its clocks, tell the
members, record the reports made outside, and export the proof."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from indigomed.privacy import breaches
from indigomed.privacy.breach_forms import IncidentForm, ReportForm
from indigomed.privacy.office_views import officers_only
from indigomed.web.feedback import flashed, on_form, refusals_as_pages


def _countdown(clock: breaches.Clock, now: dt.datetime) -> str:
    """How long is left, as the office reads it at a glance; "" when done or without a number."""
    left = clock.left(now)
    if clock.done_at is not None or left is None:
        return ""
    span = abs(left)
    days, hours = span.days, span.seconds // 3600
    text = (
        gettext("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
        if days
        else gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": span.seconds % 3600 // 60}
    )
    return (gettext("%(text)s left") if left >= dt.timedelta(0) else gettext("overdue by %(text)s")) % {"text": text}


@officers_only
def incidents(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with on_form(form) as attempt:
                found = breaches.record_incident(officer=request.user, **form.cleaned_data)  # type: ignore[arg-type]
                messages.success(
                    request, gettext("Recorded. It affected %(count)s members.") % {"count": found.affected.count()}
                )
                return redirect("office:incident", public_id=found.public_id)
            status = attempt.status
    listed = breaches.incidents(officer=request.user)  # type: ignore[arg-type]
    return render(request, "privacy/office/incidents.html", {"form": form, "incidents": listed}, status=status)


def _detail(
    request: HttpRequest, public_id: str, report_form: ReportForm | None = None, status: int = 200
) -> HttpResponse:
    found = breaches.incident(officer=request.user, public_id=str(public_id))  # type: ignore[arg-type]
    now = timezone.now()
    clocks = breaches.clocks(found, now=now)
    outside = [c.audience for c in clocks if c.notify != "members"]
    told = breaches.proof(found)
    return render(
        request,
        "privacy/office/incident.html",
        {
            "incident": found,
            "clocks": [(c, _countdown(c, now)) for c in clocks],
            "report_form": report_form or ReportForm(audiences=outside),
            "told": told[:200],
            "told_count": len(told),
            "delivered": sum(1 for t in told if t.delivery and t.delivery.delivered_at),
            "reports": found.reports.order_by("reported_at"),
        },
        status=status,
    )


@officers_only
@refusals_as_pages
def incident(request: HttpRequest, public_id: str) -> HttpResponse:
    return _detail(request, public_id)


@officers_only
@require_POST
@refusals_as_pages
def tell(request: HttpRequest, public_id: str) -> HttpResponse:
    with flashed(request) as attempt:
        queued = breaches.tell_members(officer=request.user, public_id=str(public_id))  # type: ignore[arg-type]
    if attempt.refusal is None:
        messages.success(
            request, gettext("Notices queued for %(queued)s members, each the way they chose.") % {"queued": queued}
        )
    return redirect("office:incident", public_id=public_id)


@officers_only
@require_POST
@refusals_as_pages
def report(request: HttpRequest, public_id: str) -> HttpResponse:
    found = breaches.incident(officer=request.user, public_id=str(public_id))  # type: ignore[arg-type]
    audiences = [c.audience for c in breaches.clocks(found) if c.notify != "members"]
    form = ReportForm(request.POST, audiences=audiences)
    if form.is_valid():
        with on_form(form) as attempt:
            breaches.record_report(officer=request.user, public_id=str(public_id), **form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, gettext("The report is recorded with the incident."))
            return redirect("office:incident", public_id=public_id)
        return _detail(request, public_id, form, attempt.status)
    return _detail(request, public_id, form, 400)


@officers_only
@refusals_as_pages
def proof_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    from weasyprint import HTML  # imported here: loading Pango costs time every process would pay

    found = breaches.incident(officer=request.user, public_id=str(public_id))  # type: ignore[arg-type]
    now = timezone.now()
    html = render_to_string(
        "privacy/office/incident_proof.html",
        {
            "incident": found,
            "clocks": breaches.clocks(found, now=now),
            "told": breaches.proof(found),
            "reports": found.reports.order_by("reported_at"),
            "now": now,
        },
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="incident-{found.public_id}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
