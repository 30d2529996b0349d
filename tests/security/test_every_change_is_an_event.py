"""Invariant 2c across the rooms: each change a member, a practice, the privacy office or a parent
makes leaves exactly one audit event, and no event holds anything personal about anyone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.accounts.services import create_member_profile, give_parental_consent, parental_consent_token
from indigomed.errors import Invalid
from indigomed.privacy import office, signing
from indigomed.privacy.profile import add_own_insurance, edit_own_profile
from indigomed.rights.restriction import ask_for_restriction, decide
from indigomed.scheduling import opening_hours
from indigomed.scheduling import services as scheduling
from indigomed.security.models import AuditEvent
from tests.conftest import make_user
from tests.scheduling.helpers import open_slot

# What the changes below type in, each something an event must never hold (compared lower-cased).
PERSONAL = [
    "zephyrine",
    "quackenbush",
    "+1 555 0142",
    "qx7 7zz",
    "quackcare",
    "gold quack",
    "qk-778899",
    "philippa",
    "barnabas",
    "chest",
    "hiv",
    "my results from the clinic",
    "parent.quill",
]


@pytest.fixture
def officer(db: None) -> User:
    user = make_user("office.olga@example.test")
    PrivacyOfficer.objects.create(user=user)
    return user


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def make_every_change(world, officer: User) -> User:
    member = make_user("zephyrine.quackenbush@example.test", member=True, region="OH")
    edit_own_profile(
        actor=member,
        name="Zephyrine Quackenbush",
        phone="+1 555 0142",
        gender="female",
        postal_code="QX7 7ZZ",
        region="OH",
    )
    add_own_insurance(actor=member, carrier="Quackcare", plan="Gold Quack", member_number="QK-778899")

    booked = scheduling.book_appointment(
        actor=member, slot_id=open_slot(world.heart_role).pk, visit_reason="chest-pain", insurance_plan="aetna-hmo"
    )
    moved = scheduling.reschedule_appointment(
        actor=member, public_id=str(booked.public_id), new_slot_id=open_slot(world.heart_role, index=1).pk
    )
    scheduling.cancel_appointment(actor=member, public_id=str(moved.public_id))
    visit = scheduling.book_appointment(
        actor=member, slot_id=open_slot(world.heart_role, index=2).pk, visit_reason="chest-pain", insurance_plan=None
    )
    scheduling.set_visit_status(actor=world.doctor_user, public_id=str(visit.public_id), status="completed")
    slot = open_slot(world.heart_role, index=4)
    opening_hours.add_time_off(
        actor=world.staff_user, role=world.heart_role, starts_at=slot.starts_at, ends_at=slot.ends_at
    )
    evening = slot.starts_at.replace(hour=22, minute=0)
    opening_hours.add_extra_hours(
        actor=world.doctor_user,
        role=world.heart_role,
        starts_at=evening,
        ends_at=evening + dt.timedelta(hours=1),
        visit_type_id=world.heart_role.visit_types.get().pk,
    )

    authorization = signing.sign_authorization(
        actor=member,
        recipient_ref="person:aunt-philippa",
        recipient_label="Aunt Philippa Quackenbush",
        purposes=["family"],
        categories=["medical"],
        tags=["hiv"],
        information="My results from the clinic",
        signed_name="Zephyrine Quackenbush",
        explicit_consent=True,
        expires_at=timezone.now() + dt.timedelta(days=90),
    )
    signing.revoke_authorization(actor=member, public_id=str(authorization.public_id))
    restriction = ask_for_restriction(
        actor=member,
        categories=["medical"],
        purposes=["treatment"],
        limits="both",
        recipient_ref=f"practitioner:{world.heart_doctor.pk}",
        paid_in_full=False,
        signed_name="Zephyrine Quackenbush",
        consent=True,
    )
    decide(officer=officer, public_id=str(restriction.public_id), accept=True)

    office.register_partner(
        officer=officer,
        slug="acme-billing",
        name="Acme Billing Services",
        agreement_reference="BAA-2026-07",
        agreement_signed_on=dt.date(2026, 7, 1),
        purposes=["business_partner"],
        categories=["insurance"],
    )
    demand = office.record_legal_demand(
        officer=officer,
        member_id=member.pk,
        kind="subpoena",
        reference="2026-CV-0113",
        issued_by="Superior Court of Example County",
        categories=["contact"],
        document=SimpleUploadedFile("order.pdf", b"%PDF-1.4 Zephyrine Quackenbush", content_type="application/pdf"),
    )
    office.release_under_legal_demand(
        officer=officer, demand_public_id=str(demand.public_id), categories=["contact"], refs=[]
    )
    office.announce_transfer(
        officer=officer,
        acquirer="Example Health",
        effective_on=timezone.localdate() + dt.timedelta(days=60),
        text="IndigoMed joins Example Health.",
    )

    child = User.objects.create_user("young.quackenbush@example.test", "correct-horse-battery-staple")
    minor = create_member_profile(
        user=child,
        name="Zephyrine Quackenbush Junior",
        date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 14, day=1),
        country="FR",
        parent_email="parent.quill@example.test",
    )
    give_parental_consent(token=parental_consent_token(minor))
    return member


def test_each_change_leaves_exactly_one_event_with_its_actor(world, officer, settings, tmp_path) -> None:
    """2c: profile edits, bookings, moves, cancellations, visit statuses, calendar changes,
    authorizations, restrictions, partners, legal demands, transfers and parental consent."""
    settings.MEDIA_ROOT = tmp_path
    member = make_every_change(world, officer)
    assert actions() == [
        "profile.updated",
        "profile.updated",
        "booking.created",
        "appointment.rescheduled",
        "appointment.cancelled",
        "booking.created",
        "appointment.status_changed",
        "calendar.time_off_added",
        "calendar.extra_hours_added",
        "authorization.signed",
        "authorization.revoked",
        "restriction.requested",
        "request.filed",
        "request.review_started",
        "restriction.decided",
        "request.concluded",
        "partner.registered",
        "legal_demand.recorded",
        "legal_demand.released",
        "transfer.announced",
        "parental_consent.given",
    ]
    by_actor = dict(
        AuditEvent.objects.filter(
            action__in=["restriction.decided", "parental_consent.given", "authorization.signed"]
        ).values_list("action", "actor_user_id")
    )
    assert by_actor == {
        "restriction.decided": officer.pk,
        "parental_consent.given": None,  # the parent acts through their link, without an account
        "authorization.signed": member.pk,
    }


def test_no_event_holds_a_personal_value(world, officer, settings, tmp_path) -> None:
    """2c, SEC-2: names, addresses, phone numbers, plans, reasons, sensitive kinds and the words of
    an authorization stay sealed in their rooms; the events keep references to them only."""
    settings.MEDIA_ROOT = tmp_path
    make_every_change(world, officer)
    fields = [f.attname for f in AuditEvent._meta.concrete_fields]
    rows = list(AuditEvent.objects.values_list(*fields))
    assert len(rows) == 21
    for row in rows:
        text = " ".join(str(value) for value in row).lower()
        for value in PERSONAL:
            assert value not in text, (value, row)


def test_a_change_that_changes_nothing_records_nothing(world, officer) -> None:
    """2c: revoking twice, deciding twice or consenting twice leaves one event each."""
    member = world.member
    authorization = signing.sign_authorization(
        actor=member,
        recipient_ref="person:sister",
        recipient_label="My sister",
        purposes=["family"],
        categories=["contact"],
        tags=[],
        information="",
        signed_name="Pat Member",
        explicit_consent=True,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    signing.revoke_authorization(actor=member, public_id=str(authorization.public_id))
    signing.revoke_authorization(actor=member, public_id=str(authorization.public_id))
    restriction = ask_for_restriction(
        actor=member,
        categories=["medical"],
        purposes=["family"],
        limits="both",
        recipient_ref="",
        paid_in_full=False,
        signed_name="Pat Member",
        consent=True,
    )
    decide(officer=officer, public_id=str(restriction.public_id), accept=False, reason="Family members are not told.")
    with pytest.raises(Invalid):
        decide(officer=officer, public_id=str(restriction.public_id), accept=True)
    assert actions() == [
        "authorization.signed",
        "authorization.revoked",
        "restriction.requested",
        "request.filed",
        "request.review_started",
        "restriction.decided",
        "request.concluded",
    ]
    assert AuditEvent.objects.get(action="restriction.decided").details == {"status": "refused"}


def test_a_restriction_the_law_accepts_is_decided_by_the_rule_not_by_a_person(world) -> None:
    """2c: care paid in full kept from the health plan is accepted at once; the event has no actor."""
    restriction = office.file_restriction(
        actor=world.member,
        categories=["medical"],
        purposes=["payment"],
        recipient_ref=office.HEALTH_PLAN_REF,
        paid_in_full=True,
        signed_name="Pat Member",
        explicit_consent=True,
    )
    decided = AuditEvent.objects.get(action="restriction.decided")
    assert (decided.actor_user_id, decided.member_id, decided.subject_ref) == (
        None,
        world.member.pk,
        f"restriction:{restriction.public_id}",
    )
    assert decided.details == {"status": "accepted", "by_rule": "paid-in-full"}
