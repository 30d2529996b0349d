"""Error pages in the site's own look, in every mode: no URL patterns, settings or tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

DEBUG_PAGE_MARKS = ("URLconf", "urlpatterns", "Traceback", "DEBUG = True", "Request Method")


def assert_site_page(response, status: int, heading: str) -> None:
    page = response.content.decode()
    assert response.status_code == status
    assert heading in page and "IndigoMed" in page
    for mark in DEBUG_PAGE_MARKS:
        assert mark not in page, mark


def test_an_unknown_page_is_the_sites_404(world) -> None:
    assert_site_page(Client().get("/no/such/page/"), 404, "Page not found")
    assert_site_page(Client().get("/practitioners/nobody-at-all/"), 404, "Page not found")


def test_a_crash_is_the_sites_500_without_a_traceback(world, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("indigomed.search.views.search", broken)
    response = Client(raise_request_exception=False).get("/search/", {"postal_code": "10016"})
    assert_site_page(response, 500, "Something went wrong")
    assert "secret internals" not in response.content.decode()


def test_a_form_sent_without_its_csrf_token_is_the_sites_page(world) -> None:
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "a@example.test", "password": "x"})
    assert_site_page(response, 403, "Please try again")


def test_the_default_mode_runs_with_debug_off() -> None:
    """The demo's default settings: Django's debug pages are never shown unless DEBUG is asked for."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "INDIGOMED_ENV"}}
    env["DJANGO_SETTINGS_MODULE"] = "indigomed.settings"
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
