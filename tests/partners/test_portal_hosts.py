"""SPEC "Actors and portals": each portal is a path prefix by default and can be bound to its own
host name in settings; a page of a bound portal asked for elsewhere goes to its host."""

from __future__ import annotations

import pytest
from django.test import Client

MEMBERS, CONNECT, PARTNERS = "www.indigomed.test", "connect.indigomed.test", "partners.indigomed.test"


@pytest.fixture
def bound(settings) -> None:
    settings.MEMBERS_HOST, settings.CONNECT_HOST, settings.PARTNERS_HOST = MEMBERS, CONNECT, PARTNERS
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, MEMBERS, CONNECT, PARTNERS]


def get(path: str, host: str, **extra: str):
    return Client().get(path, HTTP_HOST=host, **extra)


@pytest.mark.django_db
def test_without_settings_every_portal_shares_the_one_host() -> None:
    assert get("/partners/", "testserver").status_code == 302  # to sign in, on the same host
    assert get("/partners/", "testserver")["Location"].startswith("/accounts/login/")
    assert get("/search/", "testserver").status_code == 200


@pytest.mark.django_db
def test_a_portals_pages_go_to_its_own_host(bound) -> None:
    moved = get("/partners/3/staff/?x=1", MEMBERS)
    assert moved.status_code == 302 and moved["Location"] == f"http://{PARTNERS}/partners/3/staff/?x=1"
    assert get("/connect/", MEMBERS)["Location"] == f"http://{CONNECT}/connect/"
    assert get("/connect/", PARTNERS)["Location"] == f"http://{CONNECT}/connect/"
    assert get("/search/", PARTNERS)["Location"] == f"http://{MEMBERS}/search/"
    assert get("/", PARTNERS)["Location"] == "/partners/", "a portal's host opens on the portal"
    assert get("/", CONNECT)["Location"] == "/connect/"
    # On its own host a portal's page is served (here, it asks to sign in first).
    assert get("/partners/", PARTNERS)["Location"].startswith("/accounts/login/")
    assert get("/search/", MEMBERS).status_code == 200


@pytest.mark.django_db
def test_sign_in_the_api_and_static_files_answer_on_every_host(bound) -> None:
    for host in (MEMBERS, CONNECT, PARTNERS):
        assert get("/accounts/login/", host).status_code == 200
        assert get("/api/search", host, HTTP_ACCEPT="application/json").status_code in (200, 400)
        assert get("/static/indigomed/site.css", host).status_code == 200


@pytest.mark.django_db
def test_a_form_posted_to_the_wrong_host_is_not_replayed_elsewhere(bound) -> None:
    assert Client().post("/partners/1/plans", {}, HTTP_HOST=MEMBERS).status_code == 404


@pytest.mark.django_db
def test_a_portal_without_a_host_of_its_own_stays_with_the_members_site(settings) -> None:
    settings.PARTNERS_HOST = PARTNERS
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, PARTNERS]
    settings.SITE_URL = "https://www.indigomed.test"
    assert get("/connect/", "testserver")["Location"].startswith("/accounts/login/"), "Connect is not moved"
    assert get("/connect/", PARTNERS)["Location"] == "http://www.indigomed.test/connect/"
    assert get("/partners/", "testserver")["Location"] == f"http://{PARTNERS}/partners/"
