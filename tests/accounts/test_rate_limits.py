"""SEC-1: sign-in limits count each client, not the reverse proxy in front of them, in a cache that
every app server shares (a database table by default, Redis when REDIS_URL is set)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"
LIMITED = "Too many failed login attempts"


def sign_in(client: Client, login: str, password: str, client_ip: str, *, proxy: str = PROXY):
    return client.post(
        "/accounts/login/", {"login": login, "password": password}, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client_ip
    )


def guess_ten_accounts(client_ip: str) -> None:
    for n in range(10):
        sign_in(Client(), f"nobody{n}@example.test", "not the right password at all", client_ip)


def test_behind_the_proxy_one_guesser_does_not_lock_out_everyone(settings) -> None:
    """SEC-1: with the proxy trusted, the guesser's own address is limited, not every member's."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    make_user("member@example.test", member=True)
    guess_ten_accounts("203.0.113.5")
    refused = sign_in(Client(), "member@example.test", PASSWORD, "203.0.113.5")
    assert LIMITED in refused.content.decode()
    member = Client()
    sign_in(member, "member@example.test", PASSWORD, "198.51.100.20")
    assert member.session.get(SESSION_KEY)


def test_a_forged_forwarded_for_header_does_not_escape_the_limit() -> None:
    """SEC-1: by default no proxy is trusted, so the connecting address counts, whatever the header says."""
    make_user("member@example.test", member=True)
    for n in range(10):
        sign_in(Client(), f"nobody{n}@example.test", "not the right password", f"192.0.2.{n}", proxy="203.0.113.9")
    client = Client()
    refused = sign_in(client, "member@example.test", PASSWORD, "192.0.2.200", proxy="203.0.113.9")
    assert LIMITED in refused.content.decode()
    assert SESSION_KEY not in client.session


def test_the_counts_live_in_the_shared_cache_table() -> None:
    """SEC-1: the default cache is the database, which every app server shares, and its table exists."""
    assert django_settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    guess_ten_accounts("203.0.113.5")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(django_settings.CACHE_TABLE)}")
        assert cursor.fetchone()[0] > 0
