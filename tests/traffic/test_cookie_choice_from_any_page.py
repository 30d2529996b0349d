"""COOKIE-1: the banner's choice is saved from any page, even one with a very long address (a
search with many filters); a return address that is too long or leads off the site sends the
visitor to the cookie settings instead, with their choice saved."""

from __future__ import annotations

import pytest
from django.test import Client

from indigomed.web import consent

pytestmark = pytest.mark.django_db

LONG_SEARCH = "/search/?" + "&".join(f"language=l{n}" for n in range(400))


def test_accepting_from_a_page_with_a_very_long_address_saves_the_choice(world) -> None:
    assert len(LONG_SEARCH) > 2000
    client = Client()
    answer = client.post("/cookies/", {"choice": "accept_all", "next": LONG_SEARCH})
    assert answer.status_code == 302 and answer["Location"] == "/cookies/"
    choice = consent._decode(client.cookies[consent.COOKIE_NAME].value)
    assert choice is not None and choice.analytics and choice.preferences


@pytest.mark.parametrize("target", ["//elsewhere.example/", "/\\elsewhere.example", "javascript:alert(1)"])
def test_refusing_with_a_return_address_off_the_site_stays_on_it(world, target) -> None:
    client = Client()
    answer = client.post("/cookies/", {"choice": "refuse_all", "next": target})
    assert answer.status_code == 302 and answer["Location"] == "/cookies/"
    choice = consent._decode(client.cookies[consent.COOKIE_NAME].value)
    assert choice is not None and not choice.analytics
