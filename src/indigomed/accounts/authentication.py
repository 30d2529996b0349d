"""The request's signed-in user, loaded with what they are in one statement.

Django's ``AuthenticationMiddleware`` loads the user by primary key, and nearly every signed-in
request then asks what the user is (``accounts.roles.actor_of``): a second statement for the same
row. This middleware loads the user the same way, through Django's own ``get_user`` (session
look-up, backend check, session hash), but marks the load so that the user's manager brings the
roles along. With IndigoMed's session store the user comes with the session itself, in the same
statement, and no further statement is needed.

The user is loaded when the request comes in, not on first use as Django does: every request that
carries a session reads it anyway (the language is kept there, ``web.language``), so nothing is
read that would not have been, and each later ``request.user`` is the user itself rather than a
proxy that forwards every attribute (a cost bench/profile_floor.py showed on every request).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY, middleware
from django.http import HttpRequest

from indigomed.accounts.models import LOADING_SIGNED_IN


def signed_in_user(request: HttpRequest) -> Any:
    session = request.session
    # Reading the session also reads the user its sign-in names, when the store can
    # (``accounts.session_store``); Django's own checks below still decide who is signed in.
    session.get(SESSION_KEY)
    take_user = getattr(session, "take_user", None)
    preloaded = take_user() if take_user is not None else None
    marked = LOADING_SIGNED_IN.set(preloaded if preloaded is not None else True)
    try:
        return middleware.get_user(request)
    finally:
        LOADING_SIGNED_IN.reset(marked)


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = signed_in_user(request)
