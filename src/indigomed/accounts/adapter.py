"""How allauth fits IndigoMed: practitioners and staff land in Connect after signing in."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        staff = getattr(user, "facility_staff", None)
        runs_a_practice = hasattr(user, "practitioner") or (staff is not None and staff.exists())
        if getattr(user, "is_authenticated", False) and not hasattr(user, "member") and runs_a_practice:
            return reverse("connect:calendar")
        return super().get_login_redirect_url(request)
