"""Where staff go once the second factor they were made to add is set up (SEC-1).

``web.second_factor_middleware`` sends staff without a factor to add one; allauth then shows the
new recovery codes, which must be seen once. The page they first asked for is kept in the session
(never in a link anyone could craft), and the recovery-codes page offers to go on to it. Only a
path on this site is followed: anything else, or nothing kept, goes to the usual landing page.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

SESSION_KEY = "after_second_factor"


def remember(request: HttpRequest) -> None:
    """Keep the page a staff member asked for before being sent to add a second factor."""
    if request.method == "GET":
        request.session[SESSION_KEY] = request.get_full_path()


def safe_path(wanted: object) -> str | None:
    """``wanted`` if it is a path on this site, else ``None`` (no scheme, no host, no ``//``)."""
    if not isinstance(wanted, str) or not wanted.startswith("/") or wanted.startswith(("//", "/\\")):
        return None
    return wanted if url_has_allowed_host_and_scheme(wanted, allowed_hosts=None) else None


@login_required
@require_GET
def go_on(request: HttpRequest) -> HttpResponse:
    """After the recovery codes: the page first asked for, once; else where sign-in leads."""
    wanted = safe_path(request.session.pop(SESSION_KEY, None))
    return redirect(wanted or get_adapter(request).get_login_redirect_url(request))
