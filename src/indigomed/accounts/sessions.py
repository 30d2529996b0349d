"""A person's signed-in sessions: named at sign-in, listed on /me/sessions/, ended one or all (SEC-1)."""

from __future__ import annotations

import ipaddress
import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from indigomed.accounts.models import SignedInSession
from indigomed.security.services import record_event

# When the session was signed in and last used (seconds since the epoch), kept in the session.
SIGNED_IN_AT = "indigomed.signed_in_at"
SEEN_AT = "indigomed.seen_at"

# The browser and system a user agent names, in the order they are looked for.
BROWSERS = ("Edg", "Firefox", "Chrome", "Safari")
SYSTEMS = ("Android", "iPhone", "iPad", "Windows", "Mac OS X", "Linux")


def now() -> float:
    """The clock of session limits, in one place so tests can hold it still."""
    return time.time()


def browser_summary(user_agent: str) -> str:
    """ "Firefox on Windows": enough to recognise a device, not to fingerprint it."""
    browser = next((b for b in BROWSERS if b + "/" in user_agent), "A browser")
    system = next((s for s in SYSTEMS if s in user_agent), "an unknown system")
    return f"{'Edge' if browser == 'Edg' else browser} on {'macOS' if system == 'Mac OS X' else system}"


def network_of(address: str) -> str:
    """The network an address is in (IPv4 /24, IPv6 /48), never the address itself."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def remember_sign_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # Written with the sign-in, so the first page after it costs no extra session write.
    request.session[SIGNED_IN_AT] = request.session[SEEN_AT] = now()
    key = request.session.session_key
    if not key:
        # Signing in over another person's session empties it (``login`` flushes it): saved now,
        # it has the key the record names.
        request.session.save()
        key = request.session.session_key
    SignedInSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "browser": browser_summary(request.META.get("HTTP_USER_AGENT", "")),
            "network": network_of(request.META.get("REMOTE_ADDR", "")),
        },
    )


def connect() -> None:
    user_logged_in.connect(remember_sign_in, dispatch_uid="indigomed.remember_sign_in")


def seen(session_key: str | None) -> None:
    """The session was used now (called at most once a minute per session)."""
    if session_key:
        SignedInSession.objects.filter(session_key=session_key).update(last_seen_at=timezone.now())


def active_sessions(user: Any) -> list[SignedInSession]:
    """The user's sessions still open, most recently used first."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return list(SignedInSession.objects.filter(user=user, session_key__in=live).order_by("-last_seen_at"))


def end_sessions(*, actor: Any, keys: list[str], keep: str | None) -> int:
    """End the actor's own sessions among ``keys`` (never ``keep``, the one asking); returns how many."""
    with transaction.atomic():
        mine = SignedInSession.objects.filter(user=actor, session_key__in=keys).exclude(session_key=keep or "")
        ended = list(mine.values_list("session_key", flat=True))
        if not ended:
            return 0
        Session.objects.filter(session_key__in=ended).delete()
        mine.delete()
        record_event(
            actor=actor, action="account.sessions_ended", subject_ref=f"user:{actor.pk}", details={"count": len(ended)}
        )
    return len(ended)
