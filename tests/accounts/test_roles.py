"""SEC-1, roles: one typed actor says what a signed-in person is, and every portal asks it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory

from indigomed.accounts.authentication import AuthenticationMiddleware
from indigomed.accounts.models import PrivacyOfficer, SignedInSession
from indigomed.accounts.roles import NOBODY, StaffMembership, actor_of, load_actor
from indigomed.accounts.session_store import SessionStore
from indigomed.directory.models import FacilityStaff
from tests.conftest import PASSWORD, address_of, make_user


@pytest.mark.django_db
def test_each_persona_is_what_the_platform_made_them(world) -> None:
    """A member, a practitioner, the front desk, a privacy officer and an outsider, as the actor says."""
    member = load_actor(world.member)
    assert (member.is_member, member.runs_practice, member.is_privacy_officer) == (True, False, False)

    doctor = load_actor(world.doctor_user)
    assert doctor.practitioner_id == world.heart_doctor.pk and doctor.runs_practice and not doctor.is_member

    desk = load_actor(world.staff_user)
    assert desk.staff == (StaffMembership(world.ny_clinic.pk, FacilityStaff.Role.STAFF),)
    assert desk.runs_practice and not desk.is_practitioner
    assert desk.staff_role_at(world.ny_clinic.pk) == "staff" and desk.staff_role_at(world.paris_clinic.pk) is None
    assert not desk.administers(world.ny_clinic.pk)

    PrivacyOfficer.objects.create(user=world.outsider)
    officer = load_actor(world.outsider)
    assert officer.is_privacy_officer and not officer.runs_practice and not officer.is_member

    assert load_actor(AnonymousUser()) == NOBODY and not NOBODY.is_signed_in


@pytest.mark.django_db
def test_an_account_can_be_several_things_at_once(world) -> None:
    """An HCF admin at one facility and front desk at another, who also books care as a member."""
    both = make_user("two.hats@example.test", member=True)
    FacilityStaff.objects.create(user=both, facility=world.paris_clinic, role=FacilityStaff.Role.ADMIN)
    FacilityStaff.objects.create(user=both, facility=world.ny_clinic)
    actor = load_actor(both)
    assert actor.is_member and actor.runs_practice
    assert actor.administers(world.paris_clinic.pk) and not actor.administers(world.ny_clinic.pk)
    assert len(actor.staff) == 2


@pytest.mark.django_db
def test_the_actor_is_loaded_once_per_request_and_follows_a_sign_in(world, django_assert_num_queries) -> None:
    request = RequestFactory().get("/")
    request.user = world.member
    with django_assert_num_queries(1):
        first = actor_of(request)
        assert actor_of(request) is first
    request.user = world.doctor_user  # signed in as someone else within the same request
    assert actor_of(request).practitioner_id == world.heart_doctor.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("member", "My appointments", "Privacy office"),
        ("doctor_user", 'href="/connect/"', "My appointments"),
        ("staff_user", 'href="/connect/"', "My privacy"),
    ],
)
def test_the_menu_offers_each_person_their_own_portals(world, who: str, shown: str, hidden: str) -> None:
    client = Client()
    assert client.login(email=address_of(getattr(world, who)), password=PASSWORD)
    page = client.get("/").content.decode()
    assert shown in page
    assert hidden not in page


@pytest.mark.django_db
def test_a_practitioner_lands_in_connect_and_a_member_does_not(world) -> None:
    doctor = Client().post("/accounts/login/", {"login": address_of(world.doctor_user), "password": PASSWORD})
    member = Client().post("/accounts/login/", {"login": address_of(world.member), "password": PASSWORD})
    assert doctor.status_code == member.status_code == 302
    assert doctor["Location"].startswith("/connect/")
    assert not member["Location"].startswith("/connect/")


@pytest.mark.django_db
def test_a_signed_in_request_reads_the_person_and_what_they_are_in_one_statement(
    world, django_assert_num_queries
) -> None:
    """The session, the user and their roles in one statement; nothing read twice."""
    both = make_user("two.roles@example.test", member=True)
    FacilityStaff.objects.create(user=both, facility=world.paris_clinic, role=FacilityStaff.Role.ADMIN)
    FacilityStaff.objects.create(user=both, facility=world.ny_clinic)
    client = Client()
    client.force_login(both)
    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    with django_assert_num_queries(1):
        AuthenticationMiddleware(lambda r: None).process_request(request)
        actor = actor_of(request)
    assert request.user == both
    assert actor.is_member and actor.administers(world.paris_clinic.pk)
    assert {m.facility_id for m in actor.staff} == {world.paris_clinic.pk, world.ny_clinic.pk}


def request_with_session_of(client: Client):
    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    AuthenticationMiddleware(lambda r: None).process_request(request)
    return request


@pytest.mark.django_db
def test_the_session_decides_who_is_signed_in_even_if_its_sign_in_record_names_someone_else(
    world, django_assert_num_queries
) -> None:
    """The user read beside the session serves only when the session itself names them."""
    client = Client()
    client.force_login(world.member)
    SignedInSession.objects.filter(session_key=client.session.session_key).update(user=world.doctor_user)
    with django_assert_num_queries(2):  # the session (with the wrong user), then the session's own user
        request = request_with_session_of(client)
        actor = actor_of(request)
    assert request.user == world.member and actor.is_member and actor.practitioner_id is None


@pytest.mark.django_db
def test_a_session_without_its_sign_in_record_still_signs_its_person_in(world) -> None:
    client = Client()
    client.force_login(world.member)
    SignedInSession.objects.filter(session_key=client.session.session_key).delete()
    request = request_with_session_of(client)
    assert request.user == world.member and actor_of(request).is_member


@pytest.mark.django_db
def test_an_account_deactivated_after_sign_in_is_signed_out_on_its_next_request(world) -> None:
    client = Client()
    client.force_login(world.member)
    type(world.member).objects.filter(pk=world.member.pk).update(is_active=False)
    request = request_with_session_of(client)
    assert not request.user.is_authenticated and actor_of(request) is NOBODY


@pytest.mark.django_db
def test_a_role_given_after_sign_in_is_seen_on_the_next_request(world) -> None:
    """The roles read with the user serve one request: a practitioner made staff meanwhile is staff at once."""
    client = Client()
    assert client.login(email=address_of(world.member), password=PASSWORD)
    assert 'href="/connect/"' not in client.get("/").content.decode()
    FacilityStaff.objects.create(user=world.member, facility=world.ny_clinic)
    assert 'href="/connect/"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_session_whose_data_was_altered_in_the_database_signs_nobody_in(world) -> None:
    """The signature of a session's data is checked once per text: new text is checked again."""
    client = Client()
    client.force_login(world.member)
    assert request_with_session_of(client).user == world.member
    session = Session.objects.get(session_key=client.session.session_key)
    signed = session.session_data
    # Another valid-looking payload under the old signature: the signature no longer holds.
    Session.objects.filter(pk=session.pk).update(session_data="e30" + signed[signed.index(":") :])
    assert not request_with_session_of(client).user.is_authenticated


@pytest.mark.django_db
def test_each_request_reads_its_own_copy_of_the_session(world) -> None:
    """A change one request makes inside its session, unsaved, is not seen by the next."""
    client = Client()
    client.force_login(world.member)
    first = request_with_session_of(client)
    first.session["_trail"] = ["one"]
    first.session.save()
    second = request_with_session_of(client)
    second.session["_trail"].append("two")
    third = request_with_session_of(client)
    assert third.session["_trail"] == ["one"] and third.user == world.member
