"""Builds the demo world: directory, calendars, and one sign-in per kind of user."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from indigomed.accounts.guardians import add_dependent
from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.accounts.services import create_member_profile
from indigomed.demo import catalogue as c
from indigomed.demo.amendments import seed_disputed_record
from indigomed.demo.notices import seed_notices
from indigomed.demo.office_stories import seed_breach, seed_video_visit
from indigomed.demo.second_factor import refuse_in_production, seed_second_factors
from indigomed.demo.shredding_story import seed_shredded_child
from indigomed.demo.visit_fits import fit_visit_types
from indigomed.directory.french import fill_french_names
from indigomed.directory.geo import locate_postal_code
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
from indigomed.errors import DomainError
from indigomed.interop.demo import seed_copies
from indigomed.partners.demo import show_a_booking_to_move
from indigomed.privacy.decisions import Recipient
from indigomed.records.services import record_booking_details, update_demographics
from indigomed.rights.demo import seed_requests
from indigomed.rights.restriction import ask_for_restriction
from indigomed.scheduling import opening_hours
from indigomed.scheduling import services as scheduling
from indigomed.scheduling.models import Appointment, AvailabilityRule, Slot, VisitType
from indigomed.traffic.demo import seed_traffic

# Demo passwords: long enough for the 15-character rule, printed at start, never for production.
DEMO_PASSWORD = "lilac-harbour-quietly-folds"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


DEMO_LOGINS = [
    DemoLogin("Member (patient)", "member@demo.indigomed.test", DEMO_PASSWORD),
    DemoLogin("Practitioner (Connect)", "doctor@demo.indigomed.test", DEMO_PASSWORD),
    DemoLogin("Facility staff (Connect)", "staff@demo.indigomed.test", DEMO_PASSWORD),
    DemoLogin("HCF admin (Partners, Connect)", "hcf-admin@demo.indigomed.test", DEMO_PASSWORD),
    DemoLogin("Privacy officer (back office)", "privacy@demo.indigomed.test", DEMO_PASSWORD),
    DemoLogin("Membre en France (français)", "membre@demo.indigomed.test", DEMO_PASSWORD),
]


def is_seeded() -> bool:
    return Practitioner.objects.exists()


def _user(email: str, name: str, **extra: object) -> User:
    user = User.objects.create_user(email, DEMO_PASSWORD, display_name=name, **extra)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@transaction.atomic
def seed_directory(*, practitioners: int = 400, seed: int = 2016) -> None:
    """Specialties, languages, plans, facilities in several US states and France, practitioners."""
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    specialties = {}
    for slug, (name, reasons) in c.SPECIALTIES.items():
        spec = Specialty.objects.create(slug=slug, name=name)
        specialties[slug] = spec
        tags = c.SENSITIVE_SPECIALTIES.get(slug, [])
        VisitReason.objects.bulk_create(
            VisitReason(slug=slugify(r), name=r, specialty=spec, tags=tags) for r in reasons
        )
    languages = {code: Language.objects.create(code=code, name=name) for code, name in c.LANGUAGES.items()}
    fill_french_names(Specialty, VisitReason, Language)
    plans_by_country: dict[str, list[InsurancePlan]] = {"US": [], "FR": []}
    for slug, (name, country, plan_names) in c.CARRIERS.items():
        carrier = InsuranceCarrier.objects.create(slug=slug, name=name, country=country)
        for plan_name in plan_names:
            plan = InsurancePlan.objects.create(slug=f"{slug}-{slugify(plan_name)}", carrier=carrier, name=plan_name)
            plans_by_country[country].append(plan)

    facilities: list[Facility] = []
    for index, (postal, country, city, region, zone) in enumerate(c.PLACES):
        center = locate_postal_code(postal, country).point
        kinds = c.FACILITY_KINDS_FR if country == "FR" else c.FACILITY_KINDS_EN
        streets = c.STREETS_FR if country == "FR" else c.STREETS_EN
        for n in range(3):
            kind, label = kinds[(index + n) % len(kinds)]
            word = c.FACILITY_WORDS[(index * 3 + n) % len(c.FACILITY_WORDS)]
            name = f"{label} {word}" if country == "FR" else f"{word} {label}"
            number = rng.randint(2, 240)
            facility = Facility.objects.create(
                slug=slugify(f"{name}-{city}-{index}-{n}"),
                name=name,
                kind=kind,
                street=f"{number} {rng.choice(streets)}",
                city=city,
                region=region,
                postal_code=postal,
                country=country,
                latitude=round(center.latitude + rng.uniform(-0.04, 0.04), 6),
                longitude=round(center.longitude + rng.uniform(-0.04, 0.04), 6),
                timezone=zone,
                phone=f"+1 555 01{rng.randint(10, 99)}" if country == "US" else f"+33 1 99 00 {rng.randint(10, 99)} 00",
                cancel_cutoff_hours=rng.choice([None, 12, 24, 48]),
            )
            facility.plans.set(rng.sample(plans_by_country[country], k=min(4, len(plans_by_country[country]))))
            facilities.append(facility)

    spec_list = list(specialties.values())
    for i in range(practitioners):
        facility = facilities[i % len(facilities)]
        gender = rng.choices(["female", "male", "nonbinary"], weights=[48, 48, 4])[0]
        given = rng.choice(c.GIVEN_NAMES[gender])
        family = rng.choice(c.FAMILY_NAMES)
        main = spec_list[i % len(spec_list)]
        p = Practitioner.objects.create(
            slug=slugify(f"{given}-{family}-{i}"),
            title="Dr" if facility.country == "FR" else "Dr.",
            given_name=given,
            family_name=family,
            gender=gender,
            bio=f"{given} {family} practises {main.name.lower()} at {facility.name} and welcomes new patients.",
            rating_average=round(rng.uniform(3.6, 5.0), 2) if i % 3 else None,
            rating_count=rng.randint(3, 220) if i % 3 else 0,
        )
        p.specialties.add(main)
        if rng.random() < 0.15:
            p.specialties.add(rng.choice(spec_list))
        native = "fr" if facility.country == "FR" else "en"
        p.languages.add(languages[native], *rng.sample(list(languages.values()), k=rng.randint(0, 2)))
        p.plans.set(rng.sample(list(facility.plans.all()), k=rng.randint(1, facility.plans.count())))
        PractitionerRole.objects.create(practitioner=p, facility=facility)
        if rng.random() < 0.1:
            second = facilities[(i + 7) % len(facilities)]
            if second.country == facility.country:
                PractitionerRole.objects.create(practitioner=p, facility=second)


def seed_calendars(*, seed: int = 2016) -> int:
    """Weekly opening rules for every role and the slots they make over the horizon."""
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    created = 0
    for role in PractitionerRole.objects.select_related("facility", "practitioner").order_by("pk"):
        new_patient = VisitType.objects.create(role=role, name="New patient visit", duration_minutes=30)
        follow_up = VisitType.objects.create(role=role, name="Follow-up", duration_minutes=20)
        weekdays = sorted(rng.sample(range(5), k=rng.randint(3, 5)))
        rules = []
        for weekday in weekdays:
            rules.append(
                AvailabilityRule(
                    role=role,
                    visit_type=new_patient,
                    weekday=weekday,
                    start_time=dt.time(9, 0),
                    end_time=dt.time(12, 0),
                )
            )
            rules.append(
                AvailabilityRule(
                    role=role,
                    visit_type=follow_up,
                    weekday=weekday,
                    start_time=dt.time(13, 40),
                    end_time=dt.time(17, 0),
                )
            )
        if rng.random() < 0.2:
            rules.append(
                AvailabilityRule(
                    role=role, visit_type=new_patient, weekday=5, start_time=dt.time(9, 0), end_time=dt.time(12, 0)
                )
            )
        AvailabilityRule.objects.bulk_create(rules)
        created += opening_hours.generate_upcoming_slots(role=role)
    return created


@transaction.atomic
def seed_people() -> None:
    """The demo sign-ins, one member's bookings and a completed visit."""
    member_login, doctor_login, staff_login, admin_login, privacy_login = DEMO_LOGINS[:5]
    # A member's name is personal information: it lives sealed in records, not on the account.
    member = _user(member_login.email, "")
    create_member_profile(user=member, name="Jordan Demo", date_of_birth=dt.date(1988, 4, 27), country="US")

    role = (
        PractitionerRole.objects.filter(facility__country="US", facility__region="NY")
        .select_related("practitioner", "facility")
        .order_by("pk")
        .first()
    )
    assert role is not None, "the directory must be seeded first"
    doctor = _user(doctor_login.email, role.practitioner.display_name)
    Practitioner.objects.filter(pk=role.practitioner_id).update(user=doctor)
    staff = _user(staff_login.email, "Front desk")
    FacilityStaff.objects.create(user=staff, facility=role.facility, role=FacilityStaff.Role.STAFF)
    admin = _user(admin_login.email, "Facility admin")
    FacilityStaff.objects.create(user=admin, facility=role.facility, role=FacilityStaff.Role.ADMIN)
    officer = _user(privacy_login.email, "Privacy office", is_staff=True)
    PrivacyOfficer.objects.create(user=officer)

    reason = VisitReason.objects.filter(specialty__practitioners=role.practitioner).order_by("pk").first()
    assert reason is not None
    plan = role.practitioner.plans.order_by("pk").first()
    upcoming = Slot.objects.filter(role=role, is_open=True, starts_at__gt=timezone.now() + dt.timedelta(days=3))
    first = upcoming.order_by("starts_at").first()
    if first is not None:
        scheduling.book_appointment(
            actor=member, slot_id=first.pk, visit_reason=reason.slug, insurance_plan=plan.slug if plan else None
        )
    # CHILD-3: the member's child, a member of their own, with a visit their parent booked for them.
    today = timezone.localdate()
    child = add_dependent(
        actor=member, name="Lou Demo", date_of_birth=dt.date(today.year - 8, 5, 14), country="US"
    ).dependent
    for_child = upcoming.filter(is_open=True).order_by("starts_at")[1:2].first()
    if for_child is not None:
        child.acting_user_id = member.pk  # type: ignore[attr-defined]
        scheduling.book_appointment(actor=child, slot_id=for_child.pk, visit_reason=reason.slug, insurance_plan=None)
    # A visit last month, completed at the practice, so the member has a history to see.
    visit_type = role.visit_types.order_by("pk").first()
    assert visit_type is not None
    zone = ZoneInfo(role.facility.timezone)
    past_day = (timezone.now() - dt.timedelta(days=30)).astimezone(zone).date()
    past_start = dt.datetime.combine(past_day, dt.time(10, 0), tzinfo=zone)
    past_slot = Slot.objects.create(
        role=role,
        visit_type=visit_type,
        starts_at=past_start,
        ends_at=past_start + dt.timedelta(minutes=visit_type.duration_minutes),
        is_open=False,
    )
    past = Appointment.objects.create(
        member=member,
        slot=past_slot,
        role=role,
        visit_type=visit_type,
        starts_at=past_slot.starts_at,
        ends_at=past_slot.ends_at,
        booked_at=past_start - dt.timedelta(days=5),
    )
    record_booking_details(
        member_id=member.pk,
        appointment_public_id=past.public_id,
        reason={"slug": reason.slug, "name": reason.name, "tags": reason.tags},
        insurance={"slug": plan.slug, "name": str(plan)} if plan else None,
    )
    scheduling.set_visit_status(actor=doctor, public_id=str(past.public_id), status="completed")
    seed_video_visit(member=member, role=role, reason=reason.slug, plan=plan.slug if plan else None)


def seed_french_member() -> None:
    """A member in Paris who reads IndigoMed in French (issue 12): pages from sign-in, messages and
    times as France writes them, with two visits booked at a practice in France."""
    email = next(login.email for login in DEMO_LOGINS if login.email.startswith("membre@"))
    member = _user(email, "")
    create_member_profile(
        user=member, name="Camille Exemple", date_of_birth=dt.date(1979, 9, 14), country="FR", language="fr"
    )
    role = (
        PractitionerRole.objects.filter(facility__country="FR", facility__timezone="Europe/Paris", is_active=True)
        .filter(slots__is_open=True, slots__starts_at__gt=timezone.now() + dt.timedelta(days=3))
        .order_by("pk")
        .first()
    )
    if role is None:
        return  # a directory too small to reach France (the tests' 42 practitioners): no visits
    reasons = VisitReason.objects.filter(specialty__practitioners=role.practitioner, tags=[]).order_by("pk")
    slots = Slot.objects.filter(
        role=role, is_open=True, starts_at__gt=timezone.now() + dt.timedelta(days=3), visit_type__patients="any"
    ).order_by("starts_at")
    booked_days: set[dt.date] = set()
    for slot in slots[:200]:
        if slot.starts_at.date() in booked_days:
            continue  # one visit a day, so the list shows two days
        for reason in reasons:
            try:
                scheduling.book_appointment(
                    actor=member, slot_id=slot.pk, visit_reason=reason.slug, insurance_plan=None
                )
            except DomainError:
                continue  # a visit type for other reasons: try the next reason, then the next time
            booked_days.add(slot.starts_at.date())
            break
        if len(booked_days) == 2:
            return


def seed_more_members(*, seed: int = 2016) -> None:
    """More members with bookings of their own, so calendars in Connect are not empty and show the
    privacy rules at work: an Ohio member whose restriction on their insurance waits for the office,
    a Florida member whose mental-health reason is withheld for want of consent, and an Ohio member
    who consented while booking, so the practitioner sees theirs (USE-5)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    role = (
        PractitionerRole.objects.filter(practitioner__user__isnull=False)
        .select_related("practitioner")
        .order_by("pk")
        .first()
    )
    assert role is not None
    practitioner = role.practitioner
    # The demo practitioner also sees patients for anxiety and depression, reasons the law protects.
    practitioner.specialties.add(Specialty.objects.get(slug="psychiatry"))
    reason = (
        VisitReason.objects.filter(specialty__practitioners=practitioner)
        .exclude(specialty__slug__in=c.SENSITIVE_SPECIALTIES)
        .order_by("pk")
        .first()
    )
    assert reason is not None
    plan = practitioner.plans.order_by("pk").first()
    open_slots = list(
        Slot.objects.filter(
            role=role, is_open=True, starts_at__gt=timezone.now(), visit_type__name="New patient visit"
        ).order_by("starts_at")[:40]
    )
    # (name, state, reason, plan, consents while booking)
    people = [
        ("Riley Sample", "OH", reason.slug, plan, False),
        ("Morgan Example", "FL", "anxiety", None, False),
        ("Casey Placeholder", "OH", "depression", plan, True),
        ("Avery Fictional", "", reason.slug, None, False),
    ]
    for i, (name, state, visit_reason, member_plan, consents) in enumerate(people):
        email = f"{name.split()[0].lower()}@demo.indigomed.test"
        member = _user(email, "")
        create_member_profile(user=member, name=name, date_of_birth=dt.date(1950 + 9 * i, 1 + i, 10 + i), country="US")
        if state:
            update_demographics(member_id=member.pk, region=state)
        slot = open_slots[rng.randrange(len(open_slots))]
        open_slots.remove(slot)
        scheduling.book_appointment(
            actor=member,
            slot_id=slot.pk,
            visit_reason=visit_reason,
            insurance_plan=member_plan.slug if member_plan else None,
            consent=scheduling.SignedConsent(signed_name=name) if consents else None,
        )
        if i == 0:
            # A restriction waiting for the privacy office: once accepted, this patient's plan
            # disappears from the practitioner's calendar.
            ask_for_restriction(
                actor=member,
                categories=["insurance"],
                purposes=["treatment"],
                limits="disclosure",
                recipient_ref=Recipient.practitioner(practitioner.pk, practitioner.display_name).ref,
                paid_in_full=False,
                signed_name=name,
                consent=True,
            )


def seed_all(*, practitioners: int = 400) -> int:
    # Published passwords and a published authenticator secret protect nothing.
    refuse_in_production()
    seed_directory(practitioners=practitioners)
    slots = seed_calendars()
    seed_people()
    seed_french_member()
    # Staff pass a second step at sign-in (SEC-1): the demo's authenticator app, for all but the member.
    seed_second_factors(emails=[login.email for login in DEMO_LOGINS[1:5]])
    seed_more_members()
    fit_visit_types()
    seed_disputed_record(member_email=DEMO_LOGINS[0].email, officer_email=DEMO_LOGINS[4].email)
    seed_copies()
    seed_breach(officer=PrivacyOfficer.objects.select_related("user").get().user)
    seed_shredded_child(officer=PrivacyOfficer.objects.select_related("user").get().user, password=DEMO_PASSWORD)
    show_a_booking_to_move(admin_email=DEMO_LOGINS[3].email, keep_member_email=DEMO_LOGINS[0].email)
    seed_requests(member_email=DEMO_LOGINS[0].email, other_member_email="riley@demo.indigomed.test")
    seed_notices(officer=PrivacyOfficer.objects.select_related("user").get().user, member_email=DEMO_LOGINS[0].email)
    seed_traffic()
    return slots
