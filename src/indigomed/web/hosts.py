"""Each portal on a host name of its own, when settings name one (SPEC, "Actors and portals").

The members' site, Connect (``/connect/``) and Partners (``/partners/``) are one application with
one set of paths. ``MEMBERS_HOST``, ``CONNECT_HOST`` and ``PARTNERS_HOST`` bind a portal to a host:
a page of a bound portal asked for on another host is redirected to its own host (same path), and
a bound host shows only its portal, so ``partners.example.org/`` opens Partners and
``partners.example.org/search/`` goes to the members' site. Signing in (``/accounts/``), the
API, static files and the operator's admin answer on every host. With no host named, nothing
changes: every portal shares whatever host the request came to, as before.

Sessions are per host unless ``SESSION_COOKIE_DOMAIN`` names a parent domain the hosts share.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect

MEMBERS, CONNECT, PARTNERS = "members", "connect", "partners"
# The paths each portal other than the members' site owns; every other path is the members'.
PREFIXES = {CONNECT: "/connect/", PARTNERS: "/partners/"}
# Paths every host answers: sign-in and accounts, the API, static files, the operator's admin.
SHARED = ("/accounts/", "/api/", "/admin/")


def bound_hosts() -> dict[str, str]:
    """The portals bound to a host name in settings, lower-cased; empty when none is."""
    named = {MEMBERS: settings.MEMBERS_HOST, CONNECT: settings.CONNECT_HOST, PARTNERS: settings.PARTNERS_HOST}
    return {portal: host.strip().lower() for portal, host in named.items() if host and host.strip()}


def portal_of_path(path: str) -> str | None:
    """The portal a path belongs to, or ``None`` for a path every host answers."""
    if path.startswith((*SHARED, settings.STATIC_URL)):
        return None
    for portal, prefix in PREFIXES.items():
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            return portal
    return MEMBERS


def members_host(hosts: dict[str, str]) -> str:
    """Where the members' site is: its own host, else the site's public address."""
    return hosts.get(MEMBERS) or urlsplit(str(settings.SITE_URL)).netloc.lower()


class PortalHostsMiddleware:
    """Send each request to the host of the portal its path belongs to (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        hosts = bound_hosts()
        wanted = portal_of_path(request.path) if hosts else None
        if wanted is None:
            return self.get_response(request)
        here = request.get_host().lower()
        portal_here = next((portal for portal, host in hosts.items() if host == here), MEMBERS)
        if portal_here != MEMBERS:
            if request.path == "/":
                return HttpResponseRedirect(PREFIXES[portal_here])  # a portal's own host opens on it
            target = here if wanted == portal_here else hosts.get(wanted) or members_host(hosts)
        else:
            # Any host not bound to Connect or Partners is the members' site, as without settings;
            # it keeps the pages of a portal that has no host of its own.
            target = hosts[wanted] if wanted != MEMBERS and wanted in hosts else here
        if target == here:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            # A form posted to the wrong host is a misconfigured page, not something to replay elsewhere.
            raise Http404("There is nothing at this address on this host.")
        return HttpResponseRedirect(f"{request.scheme}://{target}{request.get_full_path()}")
