"""CHILD-1, France: under 15, a parent's consent is needed alongside the child's."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.core import mail
from django.test import Client

from indigomed.accounts.models import Member, User
from indigomed.records.queries import profile_of
from indigomed.records.sign_in_keys import sign_in_key
from tests.accounts.test_signup import sign_up, years_ago
from tests.scheduling.helpers import open_slot

LINK = re.compile(r"http://[^/\s]+(/accounts/parental-consent/[^/\s]+/)")


@pytest.mark.django_db
def test_a_fourteen_year_old_in_france_is_asked_for_a_parent_and_nothing_is_created_yet() -> None:
    response = sign_up(Client(), "ado@example.test", years_ago(14).isoformat(), country="FR")
    assert response.status_code == 200
    page = response.content.decode()
    assert "a parent or guardian must agree too" in page
    assert 'name="parent_email"' in page and 'name="own_consent"' in page
    assert User.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("age", "country"), [(14, "US"), (15, "FR"), (40, "FR")])
def test_no_parent_is_asked_of_others(age: int, country: str) -> None:
    response = sign_up(Client(), "someone@example.test", years_ago(age).isoformat(), country=country)
    assert response.status_code == 302
    member = Member.objects.get()
    assert profile_of(member.user_id).country == country
    assert member.parental_consent_needed is False and member.parental_consent_at is None


@pytest.mark.django_db
def test_the_parent_is_emailed_and_booking_waits_for_their_consent(world, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(
            Client(),
            "ado@example.test",
            years_ago(14).isoformat(),
            country="FR",
            parent_email="parent@example.test",
            own_consent="on",
        )
    assert response.status_code == 302
    member = Member.objects.get(user__email=sign_in_key("ado@example.test"))
    assert member.parental_consent_needed and member.parental_consent_at is None
    to_parent = [m for m in mail.outbox if m.to == ["parent@example.test"]]
    assert len(to_parent) == 1
    assert "consent" in to_parent[0].subject and "ado@example.test" not in to_parent[0].subject
    link = LINK.search(to_parent[0].body).group(1)

    booker = Client()
    booker.force_login(member.user)
    body = {"slot_id": open_slot(world.paris_role).pk, "visit_reason": "chest-pain"}
    refused = booker.post("/api/appointments", json.dumps(body), content_type="application/json")
    assert refused.status_code == 403
    assert "parent or guardian has not given their consent" in refused.json()["detail"]

    parent = Client()
    page = parent.get(link)
    assert page.status_code == 200 and "parent or guardian" in page.content.decode()
    assert "ado@example.test" not in page.content.decode(), "the page, open to whoever holds the link, names nobody"
    assert "Sam Example" in to_parent[0].body, "the e-mail tells the parent who named them, by name"
    assert "ado@example.test" not in to_parent[0].body, "and not by the child's address (PI-3)"
    assert parent.post(link).status_code == 200
    member.refresh_from_db()
    assert member.parental_consent_at is not None
    first = member.parental_consent_at
    parent.post(link)
    member.refresh_from_db()
    assert member.parental_consent_at == first
    assert booker.post("/api/appointments", json.dumps(body), content_type="application/json").status_code == 201


@pytest.mark.django_db
def test_a_parent_address_equal_to_the_childs_own_is_refused() -> None:
    response = sign_up(
        Client(),
        "ado@example.test",
        years_ago(14).isoformat(),
        country="FR",
        parent_email="ado@example.test",
        own_consent="on",
    )
    assert response.status_code == 200
    assert "not your own" in response.content.decode()
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_a_forged_or_expired_consent_link_is_refused(settings, world, django_capture_on_commit_callbacks) -> None:
    assert Client().get("/accounts/parental-consent/not-a-token/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(
            Client(),
            "ado@example.test",
            years_ago(14).isoformat(),
            country="FR",
            parent_email="parent@example.test",
            own_consent="on",
        )
    link = LINK.search(mail.outbox[-1].body).group(1)
    settings.INDIGOMED = {**settings.INDIGOMED, "PARENTAL_CONSENT_LINK_DAYS": 0}
    time.sleep(1.1)  # a link older than zero days has expired
    response = Client().post(link)
    assert response.status_code == 404
    assert Member.objects.get(user__email=sign_in_key("ado@example.test")).parental_consent_at is None


@pytest.mark.django_db
def test_the_parents_address_is_kept_only_sealed(django_capture_on_commit_callbacks) -> None:
    from django.db import connection

    with django_capture_on_commit_callbacks(execute=True):
        sign_up(
            Client(),
            "ado@example.test",
            years_ago(14).isoformat(),
            country="FR",
            parent_email="guardian.person@example.test",
            own_consent="on",
        )
    assert any(m.to == ["guardian.person@example.test"] for m in mail.outbox)
    with connection.cursor() as cursor:
        for table in ("accounts_member", "records_contactdata"):
            cursor.execute(f"SELECT * FROM {table}")
            assert b"guardian.person" not in repr(cursor.fetchall()).encode()
