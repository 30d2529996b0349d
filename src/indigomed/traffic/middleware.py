"""Recording a page view, only for a browser that agreed to analytics and sends no GPC signal.

What counts as a page view: a GET of a page of the site (a named URL pattern) answered 200. The
API (programs, not browsers with a banner), the admin, static files, redirects and errors are not
traffic of the Sites. Recording is one INSERT after the page is made (the day's key is read once a
day per process); if it fails the page is still served, since statistics must never cost a visit.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from indigomed.traffic.agents import browser_of, device_of
from indigomed.traffic.models import PageView
from indigomed.traffic.pseudonym import pseudonym
from indigomed.web import consent

log = logging.getLogger(__name__)

# Pages that are not the Sites' own traffic: programs (API, feeds) and the operator's back office.
SKIPPED_PREFIXES = ("/api/", "/admin/", "/static/")


def page_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return str(match.view_name) if match is not None and match.url_name else ""


# What a host name (or an IP address) is made of; anything else in a Referer is not a site's name.
_HOST = re.compile(r"[a-z0-9.:-]+")


def referring_domain(request: HttpRequest) -> str:
    """The host name of the page that linked here, or "" (none, the site itself, or a header that
    names no host: the browser sends it, and a broken or hostile one must not cost the visit)."""
    try:
        host = (urlsplit(request.headers.get("Referer", "")).hostname or "").lower()
    except ValueError:  # an unclosed IPv6 bracket, say
        return ""
    if not _HOST.fullmatch(host) or host == request.get_host().partition(":")[0].lower():
        return ""
    return host[:100]


def should_record(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not request.path.startswith(SKIPPED_PREFIXES)
        and consent.allows(request, consent.ANALYTICS)
        and bool(page_name(request))
    )


def record(request: HttpRequest) -> None:
    moment = timezone.now()
    try:
        address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        address = ""
    user_agent = request.headers.get("User-Agent", "")
    PageView.objects.create(
        at=moment,
        network=pseudonym(address, moment.date()),
        site=request.get_host().partition(":")[0].lower()[:100],
        device=device_of(user_agent),
        browser=browser_of(user_agent),
        referrer=referring_domain(request),
        page=page_name(request)[:100],
    )


class TrafficMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if should_record(request, response):
            try:
                with transaction.atomic():
                    record(request)
            except DatabaseError:
                log.exception("A page view could not be recorded; the page was served")
        return response
