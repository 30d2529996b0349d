"""Where staff go once the second factor they were made to add is set up (SEC-1).

``web.second_factor_middleware`` sends staff without a factor to add one; allauth then shows the
new recovery codes, which must be seen once. The page they first asked for is kept in the session
(never in a link anyone could craft), and the recovery-codes page offers to go on to it. Only a
path on this site is followed: anything else, or nothing kept, goes to the usual landing page.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

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
