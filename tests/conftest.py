"""Named personas and a small world: two facilities (New York, Paris), practitioners with calendars,
members, the practice's staff and an outsider."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.servers.basehttp import WSGIServer
from django.test import Client
from django.utils import translation

from indigomed.accounts.models import User
from indigomed.accounts.services import create_member_profile
from indigomed.directory import reference
from indigomed.directory.models import (
    Facility,
    FacilityStaff,
    InsuranceCarrier,
    InsurancePlan,
    Language,
    Practitioner,
    PractitionerRole,
    Specialty,
    VisitReason,
)
from indigomed.records.services import update_demographics
from indigomed.records.sign_in import address_for
from indigomed.scheduling.models import AvailabilityRule, VisitType
from indigomed.scheduling.opening_hours import generate_upcoming_slots

PASSWORD = "correct-horse-battery-staple"

# The live test server is Django's development server, whose listen backlog (10) resets bursts
# of simultaneous connections; production servers queue far more. Concurrency tests need the same.
WSGIServer.request_queue_size = 128
TEST_OUTPUT = Path(os.environ.get("TEST_OUTPUT_DIR", "test-output"))


@pytest.fixture(autouse=True)
def _fast_hasher_and_fresh_cache(settings: object, request: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    # The cache is a database table (rate limits shared by every app server): only a test that
    # uses the database can reach it, and a transactional one keeps its rows unless cleared.
    uses = set(request.fixturenames)
    if uses & {"transactional_db", "live_server"} or _marked_transactional(request):
        request.getfixturevalue("transactional_db")
    elif "db" in uses or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
    else:
        return
    cache.clear()
    # The reference lists each process holds: rows of an earlier test were rolled back.
    reference.forget()


@pytest.fixture(autouse=True)
def _english_unless_a_test_asks() -> Iterator[None]:
    # A view activates the reader's language for the thread; without this, a French page in one
    # test would leave the next test's messages and refusals in French.
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _staff_signed_in_with_second_factor(request: pytest.FixtureRequest):
    """SEC-1: staff reach patient data only after a second factor. Tests that sign someone in
    (``force_login`` or the sign-in page, where allauth's code step is skipped) get it the way
    allauth records it, with an authenticator app for staff, so they keep testing their own
    behaviour; the second-factor tests (``real_second_factor``) and the browser tests (which pass
    the real step) go without."""
    if request.node.get_closest_marker("real_second_factor") or request.node.get_closest_marker("browser"):
        yield
        return
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from allauth.mfa.stages import AuthenticateStage
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.signals import user_logged_in

    request.getfixturevalue("monkeypatch").setattr(AuthenticateStage, "_should_handle", lambda self, request: False)

    from indigomed.accounts.roles import load_actor
    from indigomed.accounts.second_factor import STRONG_TYPES, must_use_second_factor

    def passed(sender, request, user, **kwargs) -> None:
        factor = Authenticator.objects.filter(user_id=user.pk, type__in=STRONG_TYPES).first()
        if factor is None and must_use_second_factor(load_actor(user)):
            factor = TOTP.activate(user, generate_totp_secret()).instance
        record_authentication(request, user, "mfa", id=factor.pk if factor else None, type="totp")

    user_logged_in.connect(passed, dispatch_uid="tests.second_factor")
    yield
    user_logged_in.disconnect(dispatch_uid="tests.second_factor")


@pytest.fixture(autouse=True)
def _audit_events_removed_after_transactional_tests(request: pytest.FixtureRequest):
    """A test that commits changes commits their audit events, which the database refuses to
    delete (by design): they are removed with the guard lifted for a moment, then the guard is put
    back, before the database is emptied for the next test. Other tests roll them back."""
    if not ({"transactional_db", "live_server"} & set(request.fixturenames) or _marked_transactional(request)):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    import importlib

    from django.db import connection

    guard = importlib.import_module("indigomed.security.migrations.0005_audit_events")
    editor = connection.schema_editor()
    guard.drop_triggers(None, editor)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {guard.TABLE}")
    guard.create_triggers(None, editor)
    # The guard as later migrations left it: shredding may make an event anonymous, nothing more.
    importlib.import_module(
        "indigomed.security.migrations.0007_audit_events_can_be_pseudonymized"
    ).allow_pseudonymizing(None, editor)


def _marked_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


def address_of(user: User) -> str:
    """The address an account signs in with, opened from its sealed copy (the row holds only a key)."""
    address = address_for(user.email)
    assert address is not None
    return address


def make_user(
    email: str, *, member: bool = False, dob: dt.date = dt.date(1985, 6, 1), country: str = "US", region: str = ""
) -> User:
    name = email.split("@")[0].replace(".", " ").title()
    # Members' names are sealed personal information; only staff carry a display name.
    user = User.objects.create_user(email, PASSWORD, display_name="" if member else name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if member:
        create_member_profile(user=user, name=name, date_of_birth=dob, country=country)
        if region:
            update_demographics(member_id=user.pk, region=region)
    return user


@dataclass
class World:
    cardiology: Specialty
    chest_pain: VisitReason
    dermatology: Specialty
    acne: VisitReason
    aetna: InsurancePlan
    cigna: InsurancePlan
    mgen: InsurancePlan
    ny_clinic: Facility
    paris_clinic: Facility
    heart_doctor: Practitioner
    heart_role: PractitionerRole
    skin_doctor: Practitioner
    skin_role: PractitionerRole
    paris_doctor: Practitioner
    paris_role: PractitionerRole
    member: User
    other_member: User
    doctor_user: User
    staff_user: User
    outsider: User


def _role(practitioner: Practitioner, facility: Facility, weekdays: range = range(7)) -> PractitionerRole:
    role = PractitionerRole.objects.create(practitioner=practitioner, facility=facility)
    visit = VisitType.objects.create(role=role, name="Consultation", duration_minutes=30)
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(role=role, visit_type=visit, weekday=d, start_time=dt.time(9), end_time=dt.time(12))
        for d in weekdays
    )
    generate_upcoming_slots(role=role)
    return role


@pytest.fixture
def world(db: None) -> World:
    cardiology = Specialty.objects.create(slug="cardiology", name="Cardiology")
    chest_pain = VisitReason.objects.create(slug="chest-pain", name="Chest pain", specialty=cardiology)
    dermatology = Specialty.objects.create(slug="dermatology", name="Dermatology")
    acne = VisitReason.objects.create(slug="acne", name="Acne", specialty=dermatology)
    english = Language.objects.create(code="en", name="English", name_fr="anglais")
    spanish = Language.objects.create(code="es", name="Spanish", name_fr="espagnol")
    french = Language.objects.create(code="fr", name="French", name_fr="français")
    aetna_c = InsuranceCarrier.objects.create(slug="aetna", name="Aetna", country="US")
    cigna_c = InsuranceCarrier.objects.create(slug="cigna", name="Cigna", country="US")
    mgen_c = InsuranceCarrier.objects.create(slug="mgen", name="MGEN", country="FR")
    aetna = InsurancePlan.objects.create(slug="aetna-hmo", carrier=aetna_c, name="HMO")
    cigna = InsurancePlan.objects.create(slug="cigna-oap", carrier=cigna_c, name="Open Access Plus")
    mgen = InsurancePlan.objects.create(slug="mgen-reference", carrier=mgen_c, name="Référence")
    ny_clinic = Facility.objects.create(
        slug="hudson-clinic",
        name="Hudson Clinic",
        street="1 Example Avenue",
        city="New York",
        region="NY",
        postal_code="10016",
        country="US",
        latitude=40.7459,
        longitude=-73.9781,
        timezone="America/New_York",
        cancel_cutoff_hours=24,
    )
    paris_clinic = Facility.objects.create(
        slug="cabinet-voltaire",
        name="Cabinet Voltaire",
        street="10 boulevard Voltaire",
        city="Paris",
        region="IDF",
        postal_code="75011",
        country="FR",
        latitude=48.8590,
        longitude=2.3800,
        timezone="Europe/Paris",
    )
    heart_doctor = Practitioner.objects.create(
        slug="ada-hart", given_name="Ada", family_name="Hart", gender="female", bio="Cardiologist."
    )
    heart_doctor.specialties.add(cardiology)
    heart_doctor.languages.add(english, spanish)
    heart_doctor.plans.add(aetna)
    skin_doctor = Practitioner.objects.create(
        slug="ben-skinner", given_name="Ben", family_name="Skinner", gender="male"
    )
    skin_doctor.specialties.add(dermatology)
    skin_doctor.languages.add(english)
    skin_doctor.plans.add(cigna)
    paris_doctor = Practitioner.objects.create(
        slug="claire-coeur", title="Dr", given_name="Claire", family_name="Cœur", gender="female"
    )
    paris_doctor.specialties.add(cardiology)
    paris_doctor.languages.add(french)
    paris_doctor.plans.add(mgen)
    heart_role = _role(heart_doctor, ny_clinic)
    skin_role = _role(skin_doctor, ny_clinic, weekdays=range(0, 2))
    paris_role = _role(paris_doctor, paris_clinic)

    doctor_user = make_user("ada.hart@example.test")
    heart_doctor.user = doctor_user
    heart_doctor.save(update_fields=["user"])
    staff_user = make_user("front.desk@example.test")
    FacilityStaff.objects.create(user=staff_user, facility=ny_clinic)
    return World(
        cardiology=cardiology,
        chest_pain=chest_pain,
        dermatology=dermatology,
        acne=acne,
        aetna=aetna,
        cigna=cigna,
        mgen=mgen,
        ny_clinic=ny_clinic,
        paris_clinic=paris_clinic,
        heart_doctor=heart_doctor,
        heart_role=heart_role,
        skin_doctor=skin_doctor,
        skin_role=skin_role,
        paris_doctor=paris_doctor,
        paris_role=paris_role,
        member=make_user("pat.member@example.test", member=True),
        other_member=make_user("other.member@example.test", member=True),
        doctor_user=doctor_user,
        staff_user=staff_user,
        outsider=make_user("outsider@example.test"),
    )


@pytest.fixture
def member_client(world: World) -> Client:
    client = Client()
    client.force_login(world.member)
    return client


@pytest.fixture
def test_output() -> Path:
    TEST_OUTPUT.mkdir(parents=True, exist_ok=True)
    return TEST_OUTPUT


def postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture
def ledger_rows_removed_after(transactional_db: None):
    """For tests that commit ledger rows: the ledger refuses DELETE (by design), so the rows are
    removed with the guard lifted for a moment, then the guard is put back, before the database
    is emptied for the next test."""
    yield
    import importlib

    from django.db import connection

    guard = importlib.import_module("indigomed.privacy.migrations.0002_ledger_is_append_only")
    editor = connection.schema_editor()
    guard.drop_triggers(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_disclosure")
        cursor.execute("DELETE FROM privacy_ledgercheckpoint")
    guard.create_triggers(None, editor)
