"""A missing page in the demo is the site's own 404, as the demo runs: settings loaded from the
environment `make run` gives them (no DEBUG), outside the test runner, which would turn DEBUG off
by itself and so prove nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.web.test_error_pages import DEBUG_PAGE_MARKS

PROBE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
for path in ("/no/such/page/", "/connect/appointments/not-an-id/status", "/accounts/nowhere/"):
    response = Client().get(path)
    print("=====", path, settings.DEBUG, response.status_code)
    print(response.content.decode())
"""


def pages_as_the_demo_serves_them(var_dir: Path, **env: str) -> dict[str, tuple[str, str]]:
    """(DEBUG, status and page) of a few addresses that match no page, by path, in a fresh process
    (one with no database yet: none of these reaches it)."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "INDIGOMED_ENV", "DATABASE_URL"}}
    environment |= {"DJANGO_SETTINGS_MODULE": "indigomed.settings", "INDIGOMED_VAR_DIR": str(var_dir), **env}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True, timeout=120
    )
    pages = {}
    for chunk in result.stdout.split("===== ")[1:]:
        head, _, page = chunk.partition("\n")
        path, debug, status = head.split()
        pages[path] = (f"{debug} {status}", page)
    return pages


def test_a_missing_page_in_the_demo_is_the_sites_404_without_url_listings(tmp_path: Path) -> None:
    pages = pages_as_the_demo_serves_them(tmp_path)
    assert len(pages) == 3
    for path, (state, page) in pages.items():
        assert state == "False 404", path
        assert "Page not found" in page and "IndigoMed" in page and "Find care from the home page" in page
        for mark in DEBUG_PAGE_MARKS:
            assert mark not in page, (path, mark)
        assert "admin/" not in page and "api/" not in page, "no URL pattern is named"


def test_the_probe_would_see_djangos_debug_page_if_the_demo_ran_with_debug(tmp_path: Path) -> None:
    """What the test above guards against: with DEBUG on, Django lists every URL pattern."""
    state, page = pages_as_the_demo_serves_them(tmp_path, DEBUG="1")["/no/such/page/"]
    assert state == "True 404"
    assert "URLconf" in page
