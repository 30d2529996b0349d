"""No patient data for staff before a second factor (SEC-1).

Practitioners, facility staff, the privacy office and the site's operators reach Connect, Partners,
the office, their API and the Django admin only once their account has an authenticator app or a
passkey and they have used (or just added) it in this session. Until then a page sends them to add
one (the first time) or to confirm it (a session signed in some other way); the API answers 403.
Signing in, the account pages, and the members' own pages stay open to them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from indigomed.accounts.after_second_factor import remember as remember_page
from indigomed.accounts.roles import actor_of
from indigomed.accounts.second_factor import has_second_factor, must_use_second_factor, passed_second_factor

# The paths with patient data or the power over it: the practice's, the facility's, the office's,
# the operators'. The API's staff endpoints live under the same names.
GUARDED_PAGES = ("/connect/", "/partners/", "/office/", "/admin/")
GUARDED_API = ("/api/connect/", "/api/partners/", "/api/office/")


def guarded(path: str) -> bool:
    return path.startswith(GUARDED_PAGES + GUARDED_API) or path.rstrip("/") in {p.rstrip("/") for p in GUARDED_PAGES}


class SecondFactorMiddleware:
    """Sends staff without a passed second factor to add or confirm one, before any guarded page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and guarded(request.path_info)
            and must_use_second_factor(actor_of(request))
            and not (passed_second_factor(request) and has_second_factor(request.user))
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        enrolled = has_second_factor(request.user)
        if request.path_info.startswith("/api/"):
            detail = (
                gettext("Confirm your second factor on the site before using this.")
                if enrolled
                else gettext("Add a second factor to your account on the site before using this.")
            )
            return JsonResponse({"detail": detail, "code": "second_factor_required"}, status=403)
        if enrolled:
            # Signed in without it (another way, or before it was added): confirm it, then come back.
            target = reverse("mfa_reauthenticate")
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()}) if request.method == "GET" else ""
            return HttpResponseRedirect(f"{target}?{query}" if query else target)
        # Once the factor is added and its recovery codes seen, they go on to this page.
        remember_page(request)
        messages.info(
            request,
            gettext(
                "Your work shows patients' health data, so your account needs a second factor: add an "
                "authenticator app (or a passkey) to continue."
            ),
        )
        return HttpResponseRedirect(reverse("mfa_index"))
