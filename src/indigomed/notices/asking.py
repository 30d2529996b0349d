"""Asking members, on their next sign-in, to read what changed in the privacy notice (NOTICE-1).

At sign-in (Django's ``user_logged_in``) the current version is looked up once; if the member has
neither acknowledged it nor been asked about it, the first page they open after signing in is
replaced by a redirect to the page that says what changed. They may acknowledge or carry on:
nothing is ever blocked (booking included). Asked once per version: afterwards the notice page
itself offers "read what changed" until they acknowledge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from indigomed.notices.queries import to_acknowledge
from indigomed.notices.services import ask_once

SESSION_KEY = "notices_ask"
# Pages where the question would get in the way: the notice itself, signing in and out, the API.
_NOT_HERE = ("/privacy/", "/terms/", "/accounts/", "/api/", "/admin/", "/static/")


def note_what_to_ask(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At sign-in: remember in the session which version to ask about, if any."""
    if request is None or not hasattr(request, "session"):
        return
    version = to_acknowledge(user)
    if version is not None and ask_once(actor=user, version=version):
        request.session[SESSION_KEY] = version.number


class AskAfterSignInMiddleware:
    """Sends a member to what changed once, on the first page they open after signing in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return response
        if (
            request.method != "GET"
            or response.status_code != 200
            or not response.get("Content-Type", "").startswith("text/html")
            or request.headers.get("HX-Request")
            or request.path.startswith(_NOT_HERE)
        ):
            return response
        del session[SESSION_KEY]
        return HttpResponseRedirect(f"{reverse('notices:changes')}?{urlencode({'next': request.get_full_path()})}")
