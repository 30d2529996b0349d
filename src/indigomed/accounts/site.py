"""How account e-mails name the site: IndigoMed, at its configured address (``SITE_URL``), never
the host name a request happened to arrive with (``127.0.0.1:8000`` in a demo, or a forged
``Host`` header that would send a reset link elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

SITE_NAME = "IndigoMed"
# The links allauth writes into its e-mails.
LINKS = ("activate_url", "password_reset_url", "signup_url")


@dataclass(frozen=True, slots=True)
class NamedSite:
    """What allauth's templates read as ``current_site``."""

    name: str
    domain: str


def named_site() -> NamedSite:
    return NamedSite(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def on_site(url: str) -> str:
    """The same page at the site's configured address."""
    link, site = urlsplit(url), urlsplit(settings.SITE_URL)
    return urlunsplit((site.scheme, site.netloc, site.path.rstrip("/") + link.path, link.query, link.fragment))


def mail_context(context: dict[str, Any]) -> dict[str, Any]:
    """An allauth e-mail's context, naming the site and linking to its configured address."""
    links = {name: on_site(value) for name in LINKS if isinstance(value := context.get(name), str)}
    return {**context, **links, "current_site": named_site(), "site_name": SITE_NAME, "site_url": settings.SITE_URL}
