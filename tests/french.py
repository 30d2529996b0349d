"""Pages read in French: a client that asks for French every way a browser or a member can.

Before the locale middleware reads them, ``settings.LANGUAGE_CODE`` gives French; with it, the
``Accept-Language`` header, the language cookie and a member's remembered language all say French
too, so these tests hold whichever one the site listens to first."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from indigomed.accounts.models import Member, User


def french_client(user: User | None = None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    if user is not None:
        Member.objects.filter(user=user).update(language="fr")
        client.force_login(user)
    return client
