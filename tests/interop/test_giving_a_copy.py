"""RIGHT-ACCESS: a copy given is a disclosure to the member, charged as the policy says, theirs alone."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indigomed.errors import Invalid, NotFound
from indigomed.interop.copies import build_copy, fee_for, give_copy, open_copy
from indigomed.interop.models import CopyGiven
from indigomed.privacy.models import Disclosure
from indigomed.privacy.office import record_legal_demand, release_under_legal_demand
from indigomed.privacy.queries import accounting_for
from indigomed.security.models import AccessLogEntry, AuditEvent
from tests.conftest import make_user
from tests.interop.conftest import booking, pdf_text

US_FEE = 650  # the policy file's [copies.us]


def test_a_copy_given_is_a_ledger_entry_naming_the_member_and_never_in_an_accounting(history) -> None:
    """RIGHT-ACCESS: the copy is a disclosure to the member, logged."""
    given = give_copy(actor=history.member, member_id=history.member.pk, accepted_fee_cents=US_FEE)
    [entry] = Disclosure.objects.filter(member_id=history.member.pk, subject_refs=f"copy:{given.public_id}")
    assert (entry.recipient_kind, entry.recipient_ref, entry.rule) == ("member", f"member:{history.member.pk}", "self")
    assert entry.categories == "contact,demographic,insurance,medical"
    assert entry.in_accounting is False
    assert not accounting_for(history.member.pk, timezone.now() - dt.timedelta(days=1), timezone.now()).exists()
    assert AccessLogEntry.objects.filter(
        member_id=history.member.pk, recipient_ref=f"member:{history.member.pk}", purpose="own access"
    ).exists()
    event = AuditEvent.objects.get(action="copy.given")
    assert event.subject_ref == f"copy:{given.public_id}" and event.details["fee_cents"] == US_FEE


def test_the_copy_is_kept_sealed_and_only_its_member_downloads_it(history, world) -> None:
    given = give_copy(actor=history.member, member_id=history.member.pk, accepted_fee_cents=US_FEE)
    stored = CopyGiven.objects.get()
    assert b"Chest pain" not in bytes(stored.bundle) and not bytes(stored.pdf).startswith(b"%PDF")
    bundle = open_copy(actor=history.member, copy_public_id=str(given.public_id), part="json")
    assert bundle.content_type == "application/fhir+json"
    assert json.loads(bundle.content)["resourceType"] == "Bundle"
    pdf = open_copy(actor=history.member, copy_public_id=str(given.public_id), part="pdf")
    assert "Chest pain" in pdf_text(pdf.content)
    for outsider in (world.other_member, world.doctor_user, history.officer):
        with pytest.raises(NotFound):
            open_copy(actor=outsider, copy_public_id=str(given.public_id), part="pdf")
    for bad in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound):
            open_copy(actor=history.member, copy_public_id=bad, part="pdf")
    with pytest.raises(NotFound):
        open_copy(actor=history.member, copy_public_id=str(given.public_id), part="xml")


def test_another_members_copy_cannot_be_made_by_a_member_or_a_practice(history, world) -> None:
    for outsider in (world.other_member, world.doctor_user, world.staff_user, world.outsider):
        with pytest.raises(NotFound):
            give_copy(actor=outsider, member_id=history.member.pk, accepted_fee_cents=US_FEE)
    assert not CopyGiven.objects.exists() and not Disclosure.objects.filter(purpose="own access").exists()


def test_a_us_member_accepts_the_cost_based_fee_before_receiving_a_copy(history) -> None:
    fee = fee_for(history.member.pk)
    assert (fee.cents, fee.currency, fee.label) == (US_FEE, "USD", "6.50 USD")
    for accepted in (None, 0, 1, US_FEE + 1):
        with pytest.raises(Invalid) as refused:
            give_copy(actor=history.member, member_id=history.member.pk, accepted_fee_cents=accepted)
        assert "6.50 USD" in refused.value.message
    assert not CopyGiven.objects.exists() and not Disclosure.objects.exists()
    given = give_copy(actor=history.member, member_id=history.member.pk, accepted_fee_cents=US_FEE)
    assert (given.fee_cents, given.currency) == (US_FEE, "USD")


def test_in_france_the_first_copy_is_free(world) -> None:
    member = make_user("claire.patient@example.test", member=True, country="FR")
    booking(member, world.paris_role, days_ago=3, reason="Palpitations")
    assert fee_for(member.pk).cents == 0
    given = give_copy(actor=member, member_id=member.pk)
    assert (given.fee_cents, given.currency) == (0, "EUR")
    assert "Palpitations" in pdf_text(build_copy(member.pk).pdf)


def test_a_policy_charging_later_copies_charges_the_second_one_within_a_year(world, settings, tmp_path) -> None:
    from indigomed.privacy.policy import DEFAULT_POLICY

    text = DEFAULT_POLICY.read_text(encoding="utf-8").replace(
        "fee_cents = 0         # Code de la santé", "fee_cents = 300       # Code de la santé"
    )
    policy = tmp_path / "policy.toml"
    policy.write_text(text, encoding="utf-8")
    settings.PRIVACY_POLICY_FILE = str(policy)
    member = make_user("claire.patient@example.test", member=True, country="FR")
    assert give_copy(actor=member, member_id=member.pk).fee_cents == 0
    assert fee_for(member.pk).label == "3.00 EUR"
    assert fee_for(member.pk, at=timezone.now() + dt.timedelta(days=366)).cents == 0


def test_one_request_gives_one_copy_however_often_it_is_fulfilled(history) -> None:
    first = give_copy(
        actor=history.officer, member_id=history.member.pk, accepted_fee_cents=US_FEE, request_ref="request:a1"
    )
    again = give_copy(
        actor=history.officer, member_id=history.member.pk, accepted_fee_cents=US_FEE, request_ref="request:a1"
    )
    assert first.public_id == again.public_id
    assert CopyGiven.objects.count() == 1 and Disclosure.objects.filter(purpose="own access").count() == 1


def test_legal_proceeding_material_is_never_in_a_copy(history, settings, tmp_path) -> None:
    """RIGHT-ACCESS: legal-proceeding material is left out; the copy says so."""
    settings.MEDIA_ROOT = tmp_path
    demand = record_legal_demand(
        officer=history.officer,
        member_id=history.member.pk,
        kind="subpoena",
        reference="DOCKET-QX-4471",
        issued_by="Tribunal of Zembla",
        categories=["medical"],
        document=SimpleUploadedFile("s.pdf", b"%PDF-1.4 subpoena duces tecum", content_type="application/pdf"),
    )
    release_under_legal_demand(
        officer=history.officer, demand_public_id=str(demand.public_id), categories=["medical"], refs=["visit:1"]
    )
    copy = build_copy(history.member.pk)
    text = copy.bundle_json.decode() + pdf_text(copy.pdf)
    for trace in ("DOCKET-QX-4471", "Zembla", str(demand.public_id), "subpoena duces tecum", "legal:"):
        assert trace not in text, trace
    assert "legal proceeding" in pdf_text(copy.pdf)
