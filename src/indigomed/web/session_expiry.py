"""Sessions end after a while without activity and after a fixed time from sign-in, shorter for the
people who see patients (SEC-1; the limits and their sources are in settings, ``SESSION_LIMITS``).

The times live in the session itself: when it was signed in and when it was last used. "Last used"
is written at most once a minute, so an ordinary page costs no extra session write; the idle limit
is therefore exact to within that minute.

A member who ticked "Remember me" at sign-in stays signed in on that device for
``REMEMBER_ME_SECONDS`` (settings), idle or not; staff are never remembered (COOKIE-1).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from indigomed.accounts import sessions
from indigomed.accounts.roles import Actor, actor_of
from indigomed.accounts.sessions import SEEN_AT, SIGNED_IN_AT, seen

# Seconds between writes of "last used" to the session.
SEEN_PRECISION_SECONDS = 60


def is_staff(actor: Actor) -> bool:
    return actor.runs_practice or actor.is_privacy_officer or actor.is_operator_staff


def limits_for(actor: Actor) -> tuple[int, int]:
    """(idle, absolute) seconds for this actor: staff's when they see patients or run the site."""
    limits = settings.SESSION_LIMITS["staff" if is_staff(actor) else "member"]
    return limits["IDLE_SECONDS"], limits["ABSOLUTE_SECONDS"]


def remembered(session: SessionBase) -> bool:
    """Signed in with "Remember me" ticked: allauth gave the session a lifetime of its own."""
    return bool(session.get("_session_expiry"))


class SessionExpiryMiddleware:
    """Signs out a session past its idle or absolute limit; the request then goes on as a visitor's,
    so each page refuses or redirects to sign-in as it already does for one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        moment = sessions.now()
        signed_in_at = session.setdefault(SIGNED_IN_AT, moment)
        seen_at = session.setdefault(SEEN_AT, moment)
        actor = actor_of(request)
        idle, absolute = limits_for(actor)
        if remembered(session):
            if is_staff(actor):
                # COOKIE-1: staff are never remembered; their session ends with the browser too.
                session.set_expiry(0)
            else:
                idle = absolute = int(settings.REMEMBER_ME_SECONDS)
        if moment - seen_at > idle or moment - signed_in_at > absolute:
            logout(request)
            messages.info(request, _("You were signed out to keep your account safe. Please sign in again."))
            return
        if moment - seen_at >= SEEN_PRECISION_SECONDS:
            session[SEEN_AT] = moment
            seen(session.session_key)
