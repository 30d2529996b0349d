"""Real HTTP clients against a live test server, each signed in as a member, for concurrency tests."""

from __future__ import annotations

import secrets

import requests
from django.conf import settings
from django.test import Client


def signed_in_session(user) -> requests.Session:
    """A requests session carrying the user's session cookie and a CSRF token for the API."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    token = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret in the header
    session.cookies.set(settings.CSRF_COOKIE_NAME, token)
    session.headers.update({"X-CSRFToken": token})
    return session
