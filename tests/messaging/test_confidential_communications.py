"""RIGHT-CONFCOMM and MSG-2: every message goes only the ways the member allows, in their language,
and says nothing medical where others may read it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db.models import Exists, OuterRef
from django.test import Client
from django.utils import timezone

from indigomed.accounts.models import Member
from indigomed.accounts.services import choose_language
from indigomed.directory.models import Practitioner, PractitionerRole, Specialty, VisitReason
from indigomed.errors import Invalid
from indigomed.messaging.confidential import choose_contact, contact_choice_of
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.messaging.models import Message
from indigomed.records.services import set_contact_preferences
from indigomed.scheduling.models import Appointment, Slot
from indigomed.scheduling.services import book_appointment, cancel_appointment
from tests.accounts.test_signup import sign_up, years_ago
from tests.conftest import _role, address_of
from tests.messaging.codes import choose_checked, is_code
from tests.messaging.conftest import letters_sent, sms_sent

H = dt.timedelta(hours=1)
HOME = "Pat Member\n12 Elm Street, Apt 4\nBrooklyn NY 11201\nUSA"


def deliver_everything(visit) -> None:
    """Deliver at every moment a message of this visit falls due, and after its end."""
    for moment in (timezone.now(), visit.starts_at - 48 * H, visit.starts_at - 2 * H, visit.starts_at + 4 * H):
        deliver_until_idle(now=moment)


def book(world, role=None, reason="chest-pain", plan="aetna-hmo"):
    """Book the member's first open time with ``role`` past five days that overlaps none of their
    appointments (a member holds no two at once)."""
    held = Appointment.objects.filter(member=world.member, status=Appointment.Status.BOOKED)
    slot = (
        Slot.objects.filter(role=role or world.heart_role, is_open=True, starts_at__gt=timezone.now() + 120 * H)
        .exclude(Exists(held.filter(starts_at__lt=OuterRef("ends_at"), ends_at__gt=OuterRef("starts_at"))))
        .order_by("starts_at")
        .first()
    )
    assert slot is not None
    return book_appointment(actor=world.member, slot_id=slot.pk, visit_reason=reason, insurance_plan=plan)


def test_a_postal_mail_only_member_gets_letters_and_no_email_or_text(world, smtp, settings) -> None:
    """RIGHT-CONFCOMM: "postal mail only" means letters (PDFs with a mailing record), whatever is triggered."""
    choose_checked(actor=world.member, channels=["letter"], postal_address=HOME, phone="+1 212 555 0100")
    visit = book(world)
    deliver_everything(visit)
    second = book(world, role=world.skin_role, reason="acne", plan="cigna-oap")
    deliver_until_idle(now=timezone.now())
    cancel_appointment(actor=world.member, public_id=str(second.public_id))
    deliver_until_idle(now=timezone.now())
    assert smtp.received == [] and [t for t in sms_sent(settings.MESSAGES_DIR) if not is_code(t)] == []
    letters = letters_sent(settings.MESSAGES_DIR)
    # Confirmation and two reminders for the first visit; confirmation and cancellation for the second.
    assert len(letters) == 5
    assert all(path.read_bytes().startswith(b"%PDF") for path in letters)
    record = json.loads(letters[0].with_suffix(".json").read_text())
    assert record["pages"] >= 1 and record["message_id"].startswith("<")
    sent = Message.objects.filter(status="sent").exclude(kind="phone-check")
    assert set(sent.values_list("channel", flat=True)) == {"letter"}


def test_this_phone_only_means_texts_to_that_number_and_nothing_else(world, smtp, settings) -> None:
    """RIGHT-CONFCOMM: texts go to the number the member gave, written in E.164."""
    choose_checked(actor=world.member, channels=["sms"], phone="(201) 555-0123", country="US")
    deliver_everything(book(world))
    texts = [t for t in sms_sent(settings.MESSAGES_DIR) if not is_code(t)]
    assert len(texts) == 3 and all(t.startswith("To: +12015550123\n") for t in texts)
    assert smtp.received == []


def test_not_at_home_sends_email_to_the_address_the_member_named(world, smtp) -> None:
    """RIGHT-CONFCOMM: another address than the one they sign in with, and only that one."""
    choose_checked(actor=world.member, channels=["email"], email="pat.at.work@example.test")
    book(world)
    deliver_until_idle(now=timezone.now())
    assert [m["To"] for m in smtp.received if not is_code(m["Subject"])] == ["pat.at.work@example.test"]
    assert smtp.to(address_of(world.member)) == []


def test_a_message_with_no_allowed_way_is_held_for_the_office_and_sent_no_other_way(world, smtp, settings) -> None:
    """RIGHT-CONFCOMM: letters only, but no postal address left: held, never e-mailed instead."""
    set_contact_preferences(member_id=world.member.pk, choice={"channels": ["letter"], "reminders": True})
    book(world)
    deliver_until_idle(now=timezone.now())
    assert smtp.received == [] and letters_sent(settings.MESSAGES_DIR) == []
    assert Message.objects.get(kind="booking-confirmation").status == "held"


def test_a_member_who_turns_reminders_off_gets_confirmations_but_no_reminders(world, smtp) -> None:
    """MSG-1: reminders can be turned off; those already queued are withdrawn when they fall due."""
    visit = book(world)
    choose_contact(actor=world.member, channels=["email"], reminders=False)
    deliver_everything(visit)
    assert len(smtp.received) == 1 and "is booked" in smtp.received[0]["Subject"]
    assert set(Message.objects.filter(kind="reminder").values_list("status", flat=True)) == {"withdrawn"}


def test_a_french_member_is_written_to_in_french(world, smtp) -> None:
    """MSG-1: templates exist in English and French; the member's language is used."""
    choose_language(actor=world.member, language="fr")
    deliver_everything(book(world, role=world.paris_role, plan="mgen-reference"))
    assert [m["Subject"].split(" : ")[1].split()[0:2] for m in smtp.received] == [
        ["votre", "rendez-vous"],
        ["rappel", "de"],
        ["rappel", "de"],
    ]
    assert "Bonjour" in smtp.received[0].get_content()


@pytest.fixture
def sensitive_visit(world):
    """A mental-health visit: the reason, the specialty and the practitioner's name all reveal it."""
    psychiatry = Specialty.objects.create(slug="psychiatry", name="Psychiatry")
    VisitReason.objects.create(slug="depression", name="Depression", specialty=psychiatry, tags=["mental_health"])
    doctor = Practitioner.objects.create(slug="mo-mind", given_name="Mo", family_name="Mindful", gender="male")
    doctor.specialties.add(psychiatry)
    role: PractitionerRole = _role(doctor, world.ny_clinic)
    return book(world, role=role, reason="depression", plan=None)


def test_no_subject_or_text_names_a_reason_specialty_tag_or_a_sensitive_visits_practitioner(
    world, smtp, settings, sensitive_visit
) -> None:
    """MSG-2: subjects and SMS carry no visit reason, specialty or tag; a mental-health visit's
    messages do not name its practitioner anywhere; the detail is behind the sign-in link."""
    choose_checked(actor=world.member, channels=["email", "sms"], phone="+1 212 555 0100")
    deliver_everything(sensitive_visit)
    choose_contact(actor=world.member, channels=["sms"], phone="+1 212 555 0100")
    deliver_everything(book(world))
    seen = [t for t in [m["Subject"] for m in smtp.received] + sms_sent(settings.MESSAGES_DIR) if not is_code(t)]
    assert len(seen) == 6
    for text in seen:
        for secret in ("Depression", "Psychiatry", "mental", "Chest pain", "Cardiology", "chest", "Mindful", "Hart"):
            assert secret.lower() not in text.lower(), (secret, text)
    for body in (m.get_content() for m in smtp.received):
        assert "Mindful" not in body and "Depression" not in body and "/appointments/" in body


def test_phone_numbers_are_stored_in_e164_and_bad_ones_refused_with_a_message(world) -> None:
    """Bad input: a number that is not one is refused, saying why; a good one is kept as +E.164."""
    with pytest.raises(Invalid, match="not a valid phone number"):
        choose_contact(actor=world.member, channels=["sms"], phone="12345")
    with pytest.raises(Invalid, match="postal address"):
        choose_contact(actor=world.member, channels=["letter"], postal_address="Somewhere")
    with pytest.raises(Invalid, match="at least one"):
        choose_contact(actor=world.member, channels=[])
    assert contact_choice_of(actor=world.member).channels == ("email",), "nothing changed"
    choose_checked(actor=world.member, channels=["sms", "email"], phone="06 12 34 56 78", country="FR")
    assert contact_choice_of(actor=world.member).phone == "+33612345678"


def test_the_contact_page_saves_the_choice_sealed_and_refuses_bad_input(world, member_client) -> None:
    """RIGHT-CONFCOMM: the member's page; no reason asked; the choice is stored sealed."""
    page = member_client.get("/me/contact/")
    assert page.status_code == 200 and 'name="reason"' not in page.content.decode()
    assert "/me/contact/" in member_client.get("/me/").content.decode()
    refused = member_client.post("/me/contact/", {"channels": ["sms"], "phone": "not a number", "country": "US"})
    assert refused.status_code == 400 and "cannot be read" in refused.content.decode()
    saved = member_client.post(
        "/me/contact/", {"channels": ["letter"], "postal_address": HOME, "country": "US", "reminders": "on"}
    )
    assert saved.status_code == 302
    assert contact_choice_of(actor=world.member).postal_address == HOME
    from indigomed.records.models import ContactPreferences

    assert b"Elm Street" not in bytes(ContactPreferences.objects.get(member=world.member).body)
    assert member_client.post("/me/language", {"language": "fr"}).status_code == 302
    assert Member.objects.get(user=world.member).language == "fr"


def test_only_members_have_a_contact_page(world) -> None:
    staff = Client()
    staff.force_login(world.staff_user)
    assert staff.get("/me/contact/").status_code == 403
    assert Client().get("/me/contact/").status_code == 302


@pytest.mark.django_db
def test_a_member_chooses_french_at_sign_up() -> None:
    """MSG-1: the language is asked at sign-up."""
    assert sign_up(Client(), "francophone@example.test", years_ago(30).isoformat(), language="fr").status_code == 302
    assert Member.objects.get().language == "fr"


def test_a_letter_shows_the_name_and_postal_address_in_the_window_and_nothing_else_on_the_envelope() -> None:
    """MSG-2: what shows through the envelope's window is the name and address the member gave."""
    from indigomed.messaging.rendering import Rendered, render_letter

    html = render_letter(
        language="en",
        rendered=Rendered("IndigoMed: reminder", "", "Hello,\n\nA reminder."),
        name="Pat Member",
        postal_address="12 Elm Street\nBrooklyn NY 11201",
        message_id="<m@indigomed.test>",
    )
    window = html.split('<div class="window">')[1].split("</div>")[0]
    assert window == "Pat Member<br>12 Elm Street<br>Brooklyn NY 11201<br>"
    assert "A reminder." in html


@pytest.mark.django_db
def test_the_parent_of_a_child_who_chose_french_is_asked_in_french(smtp) -> None:
    """MSG-1, CHILD-1: the consent request goes in the language the child chose, naming them."""
    response = sign_up(
        Client(),
        "ado@example.test",
        years_ago(14).isoformat(),
        country="FR",
        language="fr",
        full_name="Léa Martin",
        parent_email="parent@example.test",
        own_consent="on",
    )
    assert response.status_code == 302
    deliver_until_idle(now=timezone.now())
    [to_parent] = smtp.to("parent@example.test")
    assert str(to_parent["Subject"]).strip() == "IndigoMed : votre consentement de parent est demandé"
    assert "Léa Martin s'est inscrit·e" in to_parent.get_content()


def test_a_member_who_asks_for_minimal_messages_gets_no_practitioner_or_place_in_any(world, smtp) -> None:
    """MSG-2: the body says only what the member's settings allow; the rest is behind sign-in."""
    book(world)
    deliver_until_idle(now=timezone.now())
    assert "Hudson Clinic" in smtp.received[0].get_content(), "a plain visit names its place by default"
    choose_contact(actor=world.member, channels=["email"], minimal=True)
    book(world, role=world.skin_role, reason="acne", plan="cigna-oap")
    deliver_until_idle(now=timezone.now())
    body = smtp.received[1].get_content()
    assert "Skinner" not in body and "Hudson Clinic" not in body and "/appointments/" in body
