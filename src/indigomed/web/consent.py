"""Cookie consent by category (COOKIE-1): what a browser agreed to, read from one signed cookie.

Three categories. *Strictly necessary* cookies (the session, the CSRF token, one-page notices and
this consent cookie itself) need no consent and are always allowed. *Preferences* (remembering a
visitor's language, say) and *analytics* (traffic statistics, ``indigomed.traffic``) are off until
the visitor says yes, on the banner or on /cookies/.

The choice lives in the browser, in a cookie signed with the site's secret key: a value that was
changed, unsigned, of another version or too old reads as "no choice yet", which allows nothing
beyond the strictly necessary. The Global Privacy Control signal (``Sec-GPC: 1``) is an opt-out of
selling or sharing: it always refuses analytics, whatever the cookie says; preferences, which stay
in the visitor's own browser and are shared with nobody, are left to the visitor's choice.

Any code that is about to set a cookie which is not strictly necessary asks first::

    from indigomed.web import consent

    if consent.allows(request, consent.PREFERENCES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, ...)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COOKIE_NAME = "indigomed_consent"
# Changing what the categories mean (a new analytics tool, a new preference) bumps this: every
# earlier choice then reads as no choice, and visitors are asked again.
VERSION = 1
SALT = "indigomed.web.consent"

NECESSARY = "necessary"
PREFERENCES = "preferences"
ANALYTICS = "analytics"
CATEGORIES = (NECESSARY, PREFERENCES, ANALYTICS)
# What the banner and /cookies/ say of each category.
LABELS = {
    NECESSARY: _("Strictly necessary"),
    PREFERENCES: _("Preferences"),
    ANALYTICS: _("Analytics"),
}
DESCRIPTIONS = {
    NECESSARY: _(
        "Keep you signed in, protect forms against forgery and remember this choice. "
        "They are always on: the site cannot work without them."
    ),
    PREFERENCES: _("Remember choices you make on this device, such as the language of the pages."),
    ANALYTICS: _(
        "Count visits to improve the site: your network (never your full address, and "
        "pseudonymized), device type, browser, the site you came from and the page you opened. "
        "Shown to our privacy office only as totals, and deleted after the retention period."
    ),
}

_CACHE = "_indigomed_consent"


@dataclass(frozen=True, slots=True)
class Choice:
    """What a browser agreed to, and when (seconds since the epoch, UTC)."""

    preferences: bool
    analytics: bool
    decided_at: int

    def allows(self, category: str) -> bool:
        if category == NECESSARY:
            return True
        if category == PREFERENCES:
            return self.preferences
        if category == ANALYTICS:
            return self.analytics
        raise ValueError(f"unknown cookie category {category!r}")


def max_age_seconds() -> int:
    return int(settings.COOKIE_CONSENT_MAX_AGE_SECONDS)


def _decode(value: str) -> Choice | None:
    try:
        data: Any = signing.loads(value, salt=SALT, max_age=max_age_seconds())
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        return None
    preferences, analytics, at = data.get("p"), data.get("a"), data.get("t")
    if not isinstance(preferences, bool) or not isinstance(analytics, bool) or not isinstance(at, int):
        return None
    return Choice(preferences=preferences, analytics=analytics, decided_at=at)


def choice_of(request: HttpRequest) -> Choice | None:
    """The browser's choice, or None when it made none (or its cookie was tampered with)."""
    if not hasattr(request, _CACHE):
        value = request.COOKIES.get(COOKIE_NAME)
        setattr(request, _CACHE, _decode(value) if value else None)
    cached: Choice | None = getattr(request, _CACHE)
    return cached


def sends_gpc(request: HttpRequest) -> bool:
    """The Global Privacy Control signal: a refusal of analytics, sent by the browser itself."""
    return request.headers.get("Sec-GPC", "").strip() == "1"


def allows(request: HttpRequest, category: str) -> bool:
    """May this request's response set (or this request feed) a cookie or record of ``category``?"""
    if category not in CATEGORIES:
        raise ValueError(f"unknown cookie category {category!r}")
    if category == NECESSARY:
        return True
    if category == ANALYTICS and sends_gpc(request):
        return False
    choice = choice_of(request)
    return choice is not None and choice.allows(category)


def remember(response: HttpResponse, request: HttpRequest, *, preferences: bool, analytics: bool) -> Choice:
    """Store a choice in the signed cookie (strictly necessary: it is how a refusal is kept)."""
    choice = Choice(preferences=preferences, analytics=analytics, decided_at=int(timezone.now().timestamp()))
    value = signing.dumps({"v": VERSION, "p": preferences, "a": analytics, "t": choice.decided_at}, salt=SALT)
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=max_age_seconds(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
        domain=settings.SESSION_COOKIE_DOMAIN,
    )
    if not preferences:
        # Withdrawing consent removes what it allowed: the language remembered in the browser.
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, domain=settings.LANGUAGE_COOKIE_DOMAIN)
    setattr(request, _CACHE, choice)
    return choice


def context(request: HttpRequest) -> dict[str, Any]:
    """For every page: whether to show the banner, and the current choice for the footer."""
    choice = choice_of(request)
    return {
        "cookie_choice": choice,
        "cookie_banner": choice is None and not request.path.startswith("/cookies/"),
        "cookie_gpc": sends_gpc(request),
    }
