"""The OpenAPI schema at /api/openapi.json drives schemathesis: no generated request gets a 5xx."""

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
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from indigomed.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

# The edges of the calendar: a day cannot be added to the last one nor taken from the first, and
# an offset can push either out of range once converted to UTC.
EDGE_VALUES = {
    "date": ("0001-01-01", "9999-12-31"),
    "date-time": (
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T00:00:00Z",
        "9999-12-31T23:59:59-12:00",
    ),
}


def _date_fields(properties: dict[str, Any]) -> dict[str, str]:
    """Names of the date and date-time fields among some schema properties, with their format."""
    found = {}
    for name, field in properties.items():
        for option in [field, *field.get("anyOf", [])]:
            if option.get("format") in EDGE_VALUES:
                found[name] = option["format"]
    return found


def _with_edges(strategy: st.SearchStrategy, fields: dict[str, str]) -> st.SearchStrategy:
    """The generated values, and as often the same values with dates at the edges of the calendar."""
    if not fields:
        return strategy
    edges = st.fixed_dictionaries({name: st.sampled_from(EDGE_VALUES[fmt]) for name, fmt in fields.items()}).flatmap(
        lambda values: st.sets(st.sampled_from(sorted(values)), min_size=1).map(
            lambda keep: {k: values[k] for k in keep}
        )
    )
    return st.one_of(
        strategy,
        st.tuples(strategy, edges).map(lambda pair: {**pair[0], **pair[1]} if isinstance(pair[0], dict) else pair[0]),
    )


@schema.hook
def before_generate_query(context: Any, strategy: st.SearchStrategy) -> st.SearchStrategy:
    operation = context.operation
    if operation is None:
        return strategy
    return _with_edges(strategy, _date_fields({p.name: p.definition.get("schema", {}) for p in operation.query}))


@schema.hook
def before_generate_body(context: Any, strategy: st.SearchStrategy) -> st.SearchStrategy:
    operation = context.operation
    if operation is None:
        return strategy
    fields: dict[str, str] = {}
    for body in operation.body:
        fields |= _date_fields(body.definition.get("schema", {}).get("properties", {}))
    return _with_edges(strategy, fields)


@schema.hook
def before_generate_path_parameters(context: Any, strategy: st.SearchStrategy) -> st.SearchStrategy:
    """Integer ids in paths are also the small ones the test world has, so requests reach past "not found"."""
    operation = context.operation
    names = [p.name for p in operation.path_parameters if p.definition.get("schema", {}).get("type") == "integer"]
    if not names:
        return strategy
    small = st.fixed_dictionaries({name: st.integers(1, 4) for name in names})
    return st.one_of(
        strategy,
        st.tuples(strategy, small).map(lambda pair: {**pair[0], **pair[1]} if isinstance(pair[0], dict) else pair[0]),
    )


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


def signed_in_headers(user: Any) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    token = secrets.token_hex(16)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return {
        "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={session}; {django_settings.CSRF_COOKIE_NAME}={token}",
        "X-CSRFToken": token,
    }


@pytest.fixture
def member_headers(world, in_process_requests) -> dict[str, str]:
    return signed_in_headers(world.member)


@pytest.fixture
def practice_headers(world, in_process_requests) -> dict[str, str]:
    """The front desk runs the New York calendars: Connect's endpoints are reached, not only refused."""
    return signed_in_headers(world.staff_user)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_request_the_schema_allows_gets_a_server_error(case, member_headers, practice_headers) -> None:
    for headers in (None, member_headers, practice_headers):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])
