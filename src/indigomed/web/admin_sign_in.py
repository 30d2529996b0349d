"""Django's admin signs in through the site's own sign-in, never through a form of its own."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def admin_sign_in(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """Stands in for ``admin.site.login``: it checks no password itself, so allauth's rate limits
    and lock-out (and multi-factor sign-in) guard the admin as they guard every other page (SEC-1).

    Anyone not signed in goes to the site's sign-in and comes back; someone signed in without admin
    rights is refused rather than offered another account's sign-in. Every admin page, this one
    included, then waits for the operator's second factor (``web.second_factor_middleware``)."""
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, login_url=reverse("account_login"))
    if not admin.site.has_permission(request):
        raise PermissionDenied
    return redirect(next_url)
