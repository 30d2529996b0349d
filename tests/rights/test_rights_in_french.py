"""Issue 12 (French throughout): a member's requests, their accounting PDF and the office's desk read
in French; the CSV and JSON downloads keep their stable English keys for programs."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.utils import translation

from indigomed.accounts.models import Member
from indigomed.messaging.delivery import deliver_until_idle
from indigomed.messaging.rendering import render
from tests.conftest import address_of
from tests.french import french_client
from tests.interop.conftest import pdf_text
from tests.rights.conftest import START
from tests.rights.test_accounting import YEAR, accounting, fulfil
from tests.rights.test_accounting import history as history  # the fixture, shared


@pytest.fixture
def french(settings) -> None:
    settings.LANGUAGE_CODE = "fr"


def test_my_requests_and_a_new_requests_form_read_in_french(desk, french) -> None:
    member = french_client(desk.paris)
    page = member.get("/me/requests/").content.decode()
    assert "Mes demandes" in page and "Une copie de mes dossiers" in page and "Un relevé des communications" in page
    form = member.get("/me/requests/new/question/")
    assert "Signer et envoyer" in form.content.decode() or "Signature" in form.content.decode()


def test_a_request_refused_for_a_missing_signature_says_so_in_french(desk, french) -> None:
    page = french_client(desk.paris).post("/me/requests/new/question/", {"text": "Une question ?"})
    assert page.status_code == 400
    assert "Cochez la case indiquant que vous signez cette demande." in page.content.decode()


def test_the_office_desk_reads_in_french(desk, french) -> None:
    page = french_client(desk.officer).get("/office/requests/").content.decode()
    assert "Guichet des demandes" in page and "En retard" in page


def test_a_french_members_accounting_pdf_is_french_and_its_csv_keeps_english_keys(desk, history) -> None:
    Member.objects.filter(user=history).update(language="fr")
    with translation.override("fr"):  # the member signs on a French page
        request = accounting(history, (START - 4 * YEAR).date(), START.date())
    with translation.override("en"):
        fulfil(desk.officer, request)
    member = french_client(history)
    text = pdf_text(member.get(f"/me/requests/{request.public_id}/accounting.pdf").content)
    assert "Relevé des communications" in text and "Période : du" in text
    assert "Accounting of disclosures" not in text
    rows = list(
        csv.reader(io.StringIO(member.get(f"/me/requests/{request.public_id}/accounting.csv").content.decode()))
    )
    assert rows[0] == ["date", "recipient", "what", "why", "legal basis"]


def test_a_french_members_answer_says_what_it_gave_in_french_whatever_the_officers_language(desk, history) -> None:
    """What the step gave is kept as a code: the message says it in the member's language when sent,
    and the accounting names each purpose in French."""
    Member.objects.filter(user=history).update(language="fr")
    with translation.override("fr"):  # the member signs on a French page
        request = accounting(history, (START - 4 * YEAR).date(), START.date())
    with translation.override("en"):
        fulfil(desk.officer, request)
    mail.outbox.clear()
    deliver_until_idle()
    [answer] = [m for m in mail.outbox if m.to == [address_of(history)] and "répondu" in m.subject]
    assert "Il recense 2 communications. Téléchargez-le (PDF, CSV ou JSON)" in answer.body
    assert "It lists" not in answer.body and "Download it" not in answer.body
    member = french_client(history)
    text = pdf_text(member.get(f"/me/requests/{request.public_id}/accounting.pdf").content)
    assert "Données d'assurance. Pourquoi : Exigé" in text and "Required by law" not in text
    page = member.get(f"/me/requests/{request.public_id}/").content.decode()
    assert "Je demande le relevé des communications de mes informations de santé du" in page


def test_an_answer_kept_before_codes_still_shows_its_sentence_and_a_coded_one_reads_in_each_language() -> None:
    old = render(
        kind="request-concluded", language="fr", context={"outcome": "fulfilled", "note": "No copy was given."}
    )
    assert "No copy was given." in old.body
    coded = {
        "outcome": "denied",
        "note": "",
        "note_code": "restriction-refused",
        "note_params": {"page": "/me/privacy/"},
    }
    assert (
        "Vos limitations sont listées ici : http" in render(kind="request-concluded", language="fr", context=coded).body
    )
    assert (
        "Your restrictions are listed here: http" in render(kind="request-concluded", language="en", context=coded).body
    )
