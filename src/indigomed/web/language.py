"""The language a page is written in, and the switch on every page (issue 12, "French throughout").

The rule:

- A **choice made with the switch** is kept in the session. The language cookie is a preferences
  cookie: the switch sets it only for a visitor who accepted preferences cookies
  (``web.consent``), so their choice outlives the session; without that consent no language cookie
  is set, nor read. A signed-in member's choice is also saved as their language
  (``Member.language``), which is the language IndigoMed writes to them in.
- A **member who signs in** reads in their own language from then on (it goes into the session).
- **Otherwise** the language cookie (with consent), then the browser's ``Accept-Language``, then English.

The API keeps its machine-readable ``code`` in English; its ``detail`` sentence follows the same rule.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import trans_real
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from indigomed.accounts.models import Member
from indigomed.accounts.services import choose_language
from indigomed.web import consent

# Where the session keeps the language chosen (the key Django itself used before 4.0).
SESSION_KEY = "_language"
LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def chosen_language(request: HttpRequest) -> str | None:
    session = getattr(request, "session", None)
    language = session.get(SESSION_KEY) if session is not None else None
    return language if language in LANGUAGE_CODES else None


def cookie_language(request: HttpRequest) -> str | None:
    """The language cookie's choice, read only while the visitor consents to preferences cookies."""
    if not consent.allows(request, consent.PREFERENCES):
        return None
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in LANGUAGE_CODES else None


def browser_language(request: HttpRequest) -> str:
    """The first language of ``Accept-Language`` the site is written in, else the default."""
    # Django reads no further than its limit (a longer header is cut at a comma before it): one
    # character past it keeps a long header long, so the cache keys stay short and exact.
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")[: trans_real.LANGUAGE_CODE_MAX_LENGTH + 1]
    written_in = _first_written_in(header)
    return written_in or translation.get_supported_language_variant(settings.LANGUAGE_CODE)


# Browsers send a handful of distinct headers: each is parsed once per process, not per request.
@functools.lru_cache(maxsize=256)
def _first_written_in(accept_language: str) -> str | None:
    for code, _quality in trans_real.parse_accept_lang_header(accept_language):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with the session's choice first, then the consented cookie (the
    rule above): Django's own reading would take a language cookie set without consent."""

    def process_request(self, request: HttpRequest) -> None:
        language = chosen_language(request) or cookie_language(request) or browser_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def keep_language(request: HttpRequest, language: str) -> None:
    if language in LANGUAGE_CODES:
        request.session[SESSION_KEY] = language
        translation.activate(language)


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """The switch in every page's header: Django's ``set_language`` (it checks the language and the
    address to go back to), kept as the rule above says."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if language in LANGUAGE_CODES:
        keep_language(request, language)
        user = request.user
        if user.is_authenticated and Member.objects.filter(user_id=user.pk).exists():
            choose_language(actor=user, language=language)
    if not consent.allows(request, consent.PREFERENCES):
        # No cookie without consent to preferences cookies: the session alone holds the choice.
        response.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    return response


def _member_language_at_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    language = Member.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    if language:
        keep_language(request, language)


def _languages_changed(*, setting: str, **kwargs: Any) -> None:
    # As Django empties its own caches of languages when a test changes the settings they read.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _first_written_in.cache_clear()


def connect() -> None:
    user_logged_in.connect(_member_language_at_sign_in, dispatch_uid="indigomed.language_at_sign_in")
    setting_changed.connect(_languages_changed, dispatch_uid="indigomed.languages_changed")
