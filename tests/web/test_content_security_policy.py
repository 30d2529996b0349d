"""SEC-1: every answer carries a strict Content-Security-Policy: only the site's own scripts and
styles run, nothing inline, no eval, no framing."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def assert_strict(response) -> None:
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_html_pages_carry_the_policy(world, member_client) -> None:
    """SEC-1"""
    for client, path in (
        (Client(), "/"),
        (Client(), "/accounts/login/"),
        (Client(), "/accounts/signup/"),
        (member_client, "/me/"),
        (member_client, "/appointments/"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(response)


def test_api_answers_carry_the_policy(world, member_client) -> None:
    """SEC-1"""
    response = member_client.get("/api/appointments")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_strict(response)
    assert_strict(Client().get("/api/no-such-endpoint"))


def test_error_pages_and_redirects_carry_the_policy(world, monkeypatch) -> None:
    """SEC-1"""
    missing = Client().get("/no-such-page/")
    assert missing.status_code == 404
    assert_strict(missing)
    refused = Client().get("/me/")
    assert refused.status_code == 302
    assert_strict(refused)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("crash")

    monkeypatch.setattr("indigomed.search.api.search", broken)
    crashed = Client(raise_request_exception=False).get("/api/search", {"postal_code": "10016"})
    assert crashed.status_code == 500
    assert_strict(crashed)


def test_static_files_carry_the_policy() -> None:
    """SEC-1: the middleware sits above WhiteNoise, so a stylesheet is answered with it too."""
    response = Client().get("/static/indigomed/site.css")
    assert response.status_code == 200
    assert_strict(response)


def test_the_api_documentation_page_runs_only_the_sites_own_files() -> None:
    """SEC-1: ninja's Swagger UI is served from the package's static files, under the same policy."""
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert_strict(response)
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_the_maps_tiles_may_load_from_the_tile_server_the_settings_name(client) -> None:
    """The map's tiles are images from MAP_TILE_URL's server; nothing else leaves the site."""
    policy = client.get("/")["Content-Security-Policy"]
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert "https://tile.openstreetmap.org" in img.split()
    assert "script-src 'self'" in policy and "unsafe" not in policy


def test_the_header_follows_the_policy_the_operator_sets(client, settings) -> None:
    """The header is built once, but from the settings in force: a changed policy is the one sent."""
    assert "https://tiles.example.test" not in client.get("/")["Content-Security-Policy"]
    directives = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'", "https://tiles.example.test"]}
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": directives}
    img = policy_of(client.get("/"))["img-src"]
    assert img == ["'self'", "https://tiles.example.test"]
