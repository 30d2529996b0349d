"""Where a visitor goes back to once they have signed up and confirmed their address.

Booking remembers the time a visitor chose before signing up (a page of this site, never
another); after the confirmation link is followed in the same browser, the sign-in page leads
back to it, and signing in lands there. The path holds only a slot's number: what the visitor
said they come for stays in their session with the booking's choices, never in a URL.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

KEY = "accounts:return-after-sign-up"


def remember_return(request: HttpRequest, path: str) -> None:
    """Remember a path of this site to come back to after signing up (anything else is ignored)."""
    if path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        request.session[KEY] = path


def return_path(request: HttpRequest) -> str | None:
    """The remembered path, if any, left in place."""
    path = request.session.get(KEY) if hasattr(request, "session") else None
    return path if isinstance(path, str) else None


def take_return(request: HttpRequest) -> str | None:
    """The remembered path, if any, forgotten as it is used."""
    path = return_path(request)
    if path is not None:
        del request.session[KEY]
    return path
