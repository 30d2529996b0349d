"""Pages for copies of a member's records: the member's own (copies given, items withheld, reviews
asked), the clinician's (withhold an item; review a denial the office assigned), and the privacy
office's (assign a reviewer). Each parses, calls one service or query, and renders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from indigomed.accounts.roles import actor_of
from indigomed.interop import copies, withholding
from indigomed.interop.sources import Directory, bookings_of
from indigomed.interop.withholding import REASON_MAX
from indigomed.privacy.queries import member_zone
from indigomed.web.feedback import flashed, on_form, refusals_as_pages


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Why reading it could endanger the member or someone else"),
        help_text=_("The member reads this reason in their copy."),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("uphold", _("Uphold: it stays withheld")), ("overturn", _("Overturn: the member receives it"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 4}), label=_("Your reasons, for the member")
    )


class AssignForm(forms.Form):
    reviewer = forms.TypedChoiceField(coerce=int, label=_("Reviewing professional"))

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = choices  # type: ignore[attr-defined]


# --- The member --------------------------------------------------------------------------------


@login_required
def my_copies(request: HttpRequest) -> HttpResponse:
    if not actor_of(request).is_member:
        return render(request, "privacy/members_only.html", status=403)
    member_id = request.user.pk or 0
    bookings = bookings_of([member_id]).get(member_id, [])
    directory = Directory()
    directory.load(
        practitioner_ids={b.practitioner_id for b in bookings},
        facility_ids={b.facility_id for b in bookings},
        plan_slugs=(),
    )
    return render(
        request,
        "interop/my_copies.html",
        {
            "copies": copies.copies_of(member_id),
            "withheld": withholding.active_withholdings(member_id=member_id, bookings=bookings, directory=directory),
            "reviews": withholding.reviews_of(member_id),
            "zone": member_zone(member_id),
        },
    )


@login_required
@require_POST
def ask_review(request: HttpRequest, public_id: str) -> HttpResponse:
    with flashed(request) as attempt:
        withholding.ask_review(member=request.user, withholding_public_id=public_id)  # type: ignore[arg-type]
    if not attempt.refusal:
        messages.success(
            request, gettext("Your request for a review is with the privacy office, which assigns a reviewer.")
        )
    return redirect("my_copies")


@login_required
@refusals_as_pages
def download(request: HttpRequest, public_id: str, fmt: str) -> HttpResponse:
    document = copies.open_copy(actor=request.user, copy_public_id=public_id, part=fmt)  # type: ignore[arg-type]
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


# --- Clinicians (Connect) -------------------------------------------------------------------------


@login_required
@refusals_as_pages
def withhold(request: HttpRequest, public_id: str) -> HttpResponse:
    """A practitioner of the member's care team withholds a visit from the member's copies."""
    if actor_of(request).practitioner_id is None:
        return render(request, "connect/not_practice.html", status=403)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with on_form(form) as attempt:
                withholding.withhold_item(
                    clinician=request.user,  # type: ignore[arg-type]
                    appointment_public_id=public_id,
                    reason=form.cleaned_data["reason"],
                )
            if not attempt.refusal:
                messages.success(
                    request,
                    gettext("Withheld from the member's copies; they read your reason and may ask for a review."),
                )
                return redirect("connect:calendar")
            status = attempt.status
        else:
            status = 400
    return render(request, "interop/withhold.html", {"form": form, "public_id": public_id}, status=status)


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    if actor_of(request).practitioner_id is None:
        return render(request, "connect/not_practice.html", status=403)
    return render(request, "interop/reviews.html", {"reviews": withholding.reviews_assigned_to(request.user)})  # type: ignore[arg-type]


@login_required
@refusals_as_pages
def review(request: HttpRequest, public_id: str) -> HttpResponse:
    """The professional the office assigned reads the withheld item and decides."""
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with on_form(form) as attempt:
                withholding.decide_review(
                    reviewer=request.user,  # type: ignore[arg-type]
                    review_public_id=public_id,
                    overturn=form.cleaned_data["decision"] == "overturn",
                    reason=form.cleaned_data["reason"],
                )
            if not attempt.refusal:
                messages.success(request, gettext("Your decision is recorded; the member is told."))
                return redirect("connect:reviews")
            status = attempt.status
        else:
            status = 400
    seen = withholding.open_for_review(reviewer=request.user, review_public_id=public_id)  # type: ignore[arg-type]
    return render(request, "interop/review.html", {"form": form, "seen": seen}, status=status)


# --- The privacy office ---------------------------------------------------------------------------


@login_required
def office_reviews(request: HttpRequest) -> HttpResponse:
    """Reviews members asked for, waiting for a reviewer; assigning one is a POST to ``assign``."""
    if not actor_of(request).is_privacy_officer:
        return render(request, "privacy/members_only.html", status=403)
    waiting = [(r, AssignForm(choices=withholding.reviewer_choices(r))) for r in withholding.reviews_waiting()]
    return render(request, "interop/office_reviews.html", {"waiting": waiting})


@login_required
@require_POST
def assign(request: HttpRequest, public_id: str) -> HttpResponse:
    if not actor_of(request).is_privacy_officer:
        return render(request, "privacy/members_only.html", status=403)
    try:
        practitioner_id = int(request.POST.get("reviewer", ""))
    except ValueError:
        messages.error(request, gettext("Choose the reviewing professional."))
        return redirect("office:copy_reviews")
    with flashed(request) as attempt:
        withholding.assign_reviewer(officer=request.user, review_public_id=public_id, practitioner_id=practitioner_id)  # type: ignore[arg-type]
    if not attempt.refusal:
        messages.success(request, gettext("The reviewer is assigned; they find the review in Connect."))
    return redirect("office:copy_reviews")
