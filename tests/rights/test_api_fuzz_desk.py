"""The desk's API under generated requests, signed in as the privacy office and as a member: no 5xx."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from indigomed.wsgi import application
from tests.rights.conftest import signed

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(tag="requests")


def headers_of(user: Any) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    token = secrets.token_hex(16)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return {
        "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}; {django_settings.CSRF_COOKIE_NAME}={token}",
        "X-CSRFToken": token,
    }


@pytest.fixture
def signed_in(desk) -> list[dict[str, str]]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    signed(desk.new_york, "question")
    yield [headers_of(desk.officer), headers_of(desk.new_york)]
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_request_to_the_desk_gets_a_server_error(case, signed_in) -> None:
    for headers in signed_in:
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])
