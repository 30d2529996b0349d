"""The member's own pages: edit their data (PI-4), sign and revoke authorizations (USE-4), ask for
restrictions, and see who saw their information (SEC-2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from indigomed.directory.models import Practitioner
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.models import Authorization, Restriction
from indigomed.privacy.services import own_authorizations, record_care_relationship
from indigomed.records.queries import profile_of
from indigomed.security.models import AccessLogEntry
from tests.privacy.conftest import ask


@pytest.fixture
def doctor(people) -> Recipient:
    """A real practitioner caring for the New York member, as the member's forms list them."""
    practitioner = Practitioner.objects.create(slug="ada-hart", given_name="Ada", family_name="Hart", gender="female")
    ref = f"practitioner:{practitioner.pk}"
    record_care_relationship(member_id=people.new_york.pk, recipient_refs=[ref], source_ref="appointment:x")
    return Recipient("practitioner", ref, practitioner.display_name)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_edits_their_contact_demographic_and_insurance_data(people) -> None:
    client = signed_in(people.new_york)
    response = client.post(
        "/me/",
        {"name": "Pat Renamed", "phone": "+1 212 555 0142", "gender": "female", "postal_code": "10016", "region": "NY"},
    )
    assert response.status_code == 302
    client.post("/me/insurance", {"carrier": "Aetna", "plan": "HMO", "member_number": "W42"})
    profile = profile_of(people.new_york.pk)
    assert (profile.phone, profile.gender, profile.postal_code, profile.region) == (
        "+12125550142",
        "female",
        "10016",
        "NY",
    )
    assert profile.insurance == [{"carrier": "Aetna", "plan": "HMO", "member_number": "W42"}]
    page = client.get("/me/").content.decode()
    assert "+12125550142" in page and "Aetna" in page
    # Reading one's own data is logged too, as the member's own access.
    assert AccessLogEntry.objects.filter(member_id=people.new_york.pk, rule="self").exists()


def test_bad_profile_input_is_explained_and_changes_nothing(people) -> None:
    client = signed_in(people.new_york)
    response = client.post("/me/", {"name": "Pat", "phone": "call me maybe", "postal_code": "1234", "region": "ZZ"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "That phone number cannot be read" in page and "Use five digits" in page
    assert profile_of(people.new_york.pk).phone is None


def test_a_member_signs_an_authorization_online_and_revokes_it(people, doctor) -> None:
    client = signed_in(people.new_york)
    form = {
        "recipient": doctor.ref,
        "purposes": ["research"],
        "categories": ["medical"],
        "tags": [],
        "information": "My visit history",
        "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "signed_name": "Pat Example Member",
        "explicit_consent": "on",
    }
    assert client.post("/me/privacy/authorize/", {**form, "explicit_consent": ""}).status_code == 400
    assert client.post("/me/privacy/authorize/", {**form, "signed_name": "Pat"}).status_code == 400
    assert not Authorization.objects.exists()
    assert client.post("/me/privacy/authorize/", form).status_code == 302
    grant = Authorization.objects.get()
    assert (grant.recipient_ref, grant.purposes) == (doctor.ref, ["research"])
    [signed] = own_authorizations(actor=people.new_york)
    assert (signed.signed_name, signed.information) == ("Pat Example Member", "My visit history")
    page = client.get("/me/privacy/").content.decode()
    assert "My visit history" in page and "Pat Example Member" in page
    assert ask(people.new_york, doctor, "research", {"medical"}).allowed
    client.post(f"/me/privacy/authorizations/{grant.public_id}/revoke")
    assert not ask(people.new_york, doctor, "research", {"medical"}).allowed
    other = signed_in(people.ohio)
    assert other.post(f"/me/privacy/authorizations/{grant.public_id}/revoke").status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None  # revoked by its member, untouched by the other


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"expires_on": "9999-12-31"}, "Choose a date within 10 years"),
        ({"expires_on": "0001-01-01"}, "Choose a date in the future."),
        ({"signed_name": "Pat \u202eelpmaxE"}, "Remove the invisible characters"),
        ({"recipient": "*", "recipient_name": "Dr\u200b Smith"}, "Remove the invisible characters"),
    ],
)
def test_an_authorization_that_never_ends_or_hides_characters_is_refused(people, doctor, change, message) -> None:
    """USE-4: an authorization has a real end and reads as it was typed; nothing is stored otherwise."""
    form = {
        "recipient": doctor.ref,
        "purposes": ["research"],
        "categories": ["medical"],
        "information": "My visit history",
        "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "signed_name": "Pat Example Member",
        "explicit_consent": "on",
    }
    response = signed_in(people.new_york).post("/me/privacy/authorize/", {**form, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Authorization.objects.exists()


def test_a_member_asks_for_a_restriction_and_sees_who_saw_their_data(people, doctor) -> None:
    client = signed_in(people.new_york)
    client.post(
        "/me/privacy/restrict",
        {
            "categories": ["insurance"],
            "purposes": ["treatment"],
            "recipient": doctor.ref,
            "limits": "disclosure",
            "signed_name": "Pat Example Member",
            "explicit_consent": "on",
        },
    )
    restriction = Restriction.objects.get()
    assert (restriction.categories, restriction.recipient_ref, restriction.status) == (
        ["insurance"],
        doctor.ref,
        "requested",
    )
    ask(people.new_york, doctor, "treatment", {"contact"})
    page = client.get("/me/privacy/").content.decode()
    assert doctor.label in page and "Requested" in page


def test_the_privacy_pages_are_for_members(people) -> None:
    assert signed_in(people.officer).get("/me/privacy/").status_code == 403
    assert Client().get("/me/").status_code == 302
