"""The cookie settings page (/cookies/, COOKIE-1) and the privacy office's traffic totals (TRAFFIC-1).

The banner on every page posts here: "Accept all" and "Refuse all" are one click each, side by
side; "Choose" opens this page. It works without JavaScript (a form POST, then back to the page
the visitor was on); ``cookies.js`` only saves the round trip's page load when it can.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from indigomed.privacy.office_views import officers_only
from indigomed.traffic.queries import SMALLEST_SHOWN, summary
from indigomed.traffic.retention import retention
from indigomed.web import consent

ACCEPT, REFUSE, SAVE = "accept_all", "refuse_all", "save"


class ConsentForm(forms.Form):
    choice = forms.ChoiceField(choices=[(ACCEPT, ACCEPT), (REFUSE, REFUSE), (SAVE, SAVE)])
    preferences = forms.BooleanField(required=False, label=consent.LABELS[consent.PREFERENCES])
    analytics = forms.BooleanField(required=False, label=consent.LABELS[consent.ANALYTICS])
    # No length limit here: a page with a very long address still saves the choice (_back_to).
    next = forms.CharField(required=False)


# Longer return addresses go to /cookies/: a Location header that long may be cut by a proxy.
NEXT_MAX = 2000


def _back_to(request: HttpRequest, target: str) -> str:
    if (
        target
        and len(target) <= NEXT_MAX
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return "/cookies/"


@require_http_methods(["GET", "POST"])
def cookie_settings(request: HttpRequest) -> HttpResponse:
    choice = consent.choice_of(request)
    if request.method == "GET":
        initial = {"preferences": bool(choice and choice.preferences), "analytics": bool(choice and choice.analytics)}
        return _page(request, ConsentForm(initial=initial), choice)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _page(request, form, choice, status=400)
    action = form.cleaned_data["choice"]
    preferences = action == ACCEPT or (action == SAVE and form.cleaned_data["preferences"])
    analytics = action == ACCEPT or (action == SAVE and form.cleaned_data["analytics"])
    if request.headers.get("Accept", "").startswith("application/json"):
        response: HttpResponse = JsonResponse({"preferences": preferences, "analytics": analytics})
    else:
        messages.success(request, gettext("Your cookie choice is saved. You can change it at any time."))
        response = HttpResponseRedirect(_back_to(request, form.cleaned_data["next"]))
    consent.remember(response, request, preferences=preferences, analytics=analytics)
    return response


def _page(request: HttpRequest, form: ConsentForm, choice: consent.Choice | None, status: int = 200) -> HttpResponse:
    decided_at = dt.datetime.fromtimestamp(choice.decided_at, tz=dt.UTC) if choice else None
    categories = [
        (name, consent.LABELS[name], consent.DESCRIPTIONS[name], choice.allows(name) if choice else name == "necessary")
        for name in consent.CATEGORIES
    ]
    return render(
        request,
        "traffic/cookies.html",
        {
            "form": form,
            "choice": choice,
            "decided_at": decided_at,
            "categories": categories,
            "gpc": consent.sends_gpc(request),
            "retention_months": retention(),
            "next": request.GET.get("next", ""),
        },
        status=status,
    )


PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365}
PERIOD_LABELS = {"7": _("Last 7 days"), "30": _("Last 30 days"), "90": _("Last 90 days"), "365": _("Last year")}


@officers_only
def office_traffic(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("days", "30")
    if period not in PERIODS:
        period = "30"
    until = timezone.now().date()
    since = until - dt.timedelta(days=PERIODS[period] - 1)
    return render(
        request,
        "traffic/office.html",
        {
            "summary": summary(since=since, until=until),
            "period": period,
            "periods": list(PERIOD_LABELS.items()),
            "smallest": SMALLEST_SHOWN,
            "retention_months": retention(),
        },
    )
