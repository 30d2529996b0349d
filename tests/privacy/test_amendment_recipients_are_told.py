"""RIGHT-AMEND: when an amendment is accepted, everyone the disclosure ledger says had received the
record is told through the outbox: a practitioner or a facility's staff at their own account (the
message names no patient and no value, and links to the corrected record, which they read through
the decision point), a recipient without an account through the privacy office. Those who never
received the record are not told."""

from __future__ import annotations

from django.core import mail

from indigomed.messaging.delivery import deliver_until_idle
from indigomed.privacy.services import Item, disclose
from indigomed.records.models import AmendmentRecipient
from indigomed.security.models import AccessLogEntry
from tests.conftest import address_of
from tests.privacy.amending import accept, ask_to_amend, book, calendar_page, messages_to, officer, signed_in
from tests.privacy.conftest import court


def told(amendment) -> dict[str, str]:
    return dict(AmendmentRecipient.objects.filter(amendment=amendment).values_list("recipient_ref", "told_via"))


def test_the_practitioner_who_saw_the_reason_and_a_court_are_told_the_front_desk_is_not(world, settings) -> None:
    """RIGHT-AMEND: the ledger decides who had the old value; each is told the way they can be."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    office = officer()
    visit = book(world)
    calendar_page(world.doctor_user, visit)  # the practitioner receives name, reason and insurance
    calendar_page(world.staff_user, visit)  # the front desk receives name and insurance, never the reason
    judge = court(world.member, ("medical",))
    [released] = disclose(
        actor_user_id=office.pk,
        recipient=judge,
        purpose="required_by_law",
        items=[Item(world.member.pk, frozenset({"medical"}))],
    )
    assert released.allowed
    amendment = ask_to_amend(world.member, f"booking:{visit.public_id}:reason", "acne", "I came about my skin.")
    accept(office, amendment)

    assert told(amendment) == {f"practitioner:{world.heart_doctor.pk}": "account", judge.ref: "office"}
    assert len(messages_to(world.doctor_user.pk, "amendment-recipient")) == 1
    assert messages_to(world.staff_user.pk, "amendment-recipient") == []
    assert len(messages_to(office.pk, "amendment-pass-on")) == 1
    assert len(messages_to(world.member.pk, "request-concluded")) == 1

    mail.outbox.clear()
    deliver_until_idle()
    [to_doctor] = [m for m in mail.outbox if m.to == [address_of(world.doctor_user)]]
    assert "a patient record you received was corrected" in to_doctor.subject
    assert f"/connect/amendments/{amendment.public_id}/" in to_doctor.body
    for private in ("Pat Member", "Acne", "Chest pain", "acne", "chest"):
        assert private not in to_doctor.subject + to_doctor.body
    [to_office] = [m for m in mail.outbox if m.to == [address_of(office)]]
    assert "Superior Court, County of Example" in to_office.body
    [to_member] = [m for m in mail.outbox if m.to == [address_of(world.member)] and "answered" in m.subject]
    assert "Your record is corrected" in to_member.body and "The 2 recipients who had received" in to_member.body


def test_the_practitioner_reads_the_corrected_record_through_the_decision_point(world) -> None:
    """RIGHT-AMEND, USE-3: the link shows the corrected value to whoever was told, as a logged
    disclosure; anyone else finds nothing there."""
    office = officer()
    visit = book(world)
    calendar_page(world.doctor_user, visit)
    amendment = ask_to_amend(world.member, f"booking:{visit.public_id}:reason", "acne", "I came about my skin.")
    accept(office, amendment)
    url = f"/connect/amendments/{amendment.public_id}/"

    page = signed_in(world.doctor_user).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Acne" in text and "Pat Member" in text and "Chest pain" not in text
    assert AccessLogEntry.objects.filter(
        member_id=world.member.pk, recipient_ref=f"practitioner:{world.heart_doctor.pk}", rule="purpose:treatment"
    ).exists()
    for someone in (world.staff_user, world.outsider, world.member, office):
        assert signed_in(someone).get(url).status_code == 404
    assert signed_in(world.doctor_user).get(
        "/connect/amendments/00000000-0000-0000-0000-000000000000/"
    ).status_code == (404)


def test_a_corrected_name_reaches_everyone_who_had_it(world) -> None:
    """RIGHT-AMEND: the practitioner and the facility's front desk both showed the name, so both
    are told, each at their own account."""
    office = officer()
    visit = book(world)
    calendar_page(world.doctor_user, visit)
    calendar_page(world.staff_user, visit)
    amendment = ask_to_amend(world.member, "profile:name", "Pat Q. Member", "My middle initial is missing.")
    accept(office, amendment)
    assert told(amendment) == {
        f"practitioner:{world.heart_doctor.pk}": "account",
        f"facility:{world.ny_clinic.pk}": "account",
    }
    assert len(messages_to(world.staff_user.pk, "amendment-recipient")) == 1
    assert "Pat Q. Member" in calendar_page(world.staff_user, visit)
    assert signed_in(world.staff_user).get(f"/connect/amendments/{amendment.public_id}/").status_code == 200


def test_a_record_nobody_received_is_corrected_without_telling_anyone(world) -> None:
    """RIGHT-AMEND: nobody had the date of birth, so nobody but the member is told."""
    office = officer()
    visit = book(world)
    calendar_page(world.doctor_user, visit)
    amendment = ask_to_amend(world.member, "profile:date_of_birth", "1984-06-01")
    accept(office, amendment)
    assert told(amendment) == {}
    assert messages_to(world.doctor_user.pk, "amendment-recipient") == []
    assert len(messages_to(world.member.pk, "request-concluded")) == 1
