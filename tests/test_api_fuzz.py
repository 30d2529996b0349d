"""The OpenAPI schema at /api/openapi.json drives schemathesis: no generated request gets a 5xx."""

from __future__ import annotations

import secrets

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from indigomed.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


def test_the_schema_is_served_and_names_every_operation() -> None:
    body = Client().get("/api/openapi.json").json()
    assert body["openapi"].startswith("3.")
    assert {"/api/search", "/api/appointments", "/api/appointments/{public_id}/cancel"} <= set(body["paths"])


@pytest.fixture
def in_process_requests():
    """Requests made straight to the WSGI app keep the test's connection, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def member_headers(world, in_process_requests) -> dict[str, str]:
    client = Client()
    client.force_login(world.member)
    token = secrets.token_hex(16)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return {
        "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}; {django_settings.CSRF_COOKIE_NAME}={token}",
        "X-CSRFToken": token,
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_request_the_schema_allows_gets_a_server_error(case, member_headers) -> None:
    for headers in (None, member_headers):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])
