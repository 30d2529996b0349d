"""RIGHT-ACCESS, issue 12: a French member's copy PDF is in French, days and all; an English member's
stays in English, whatever language the office works in when it gives the copy."""

from __future__ import annotations

from django.utils import translation

from indigomed.accounts.models import Member
from indigomed.interop.copies import build_copy
from tests.french import french_client
from tests.interop.conftest import pdf_text


def test_a_french_members_copy_has_french_headings_and_days(history) -> None:
    Member.objects.filter(user=history.member).update(language="fr")
    with translation.override("en"):  # the office working in English changes nothing
        text = pdf_text(build_copy(history.member.pk).pdf)
    assert "Vos dossiers IndigoMed" in text
    assert "Vos consultations (2)" in text and "Vos autres rendez-vous (2)" in text
    assert "Ce que vous avez autorisé" in text and "Dossiers de facturation" in text
    assert "Ce que cette copie omet, et pourquoi" in text
    assert "Annulé" in text or "Réservé" in text, "booking statuses are French"
    assert "procédure judiciaire" in text, "the standing exclusions are French"
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre")
    assert any(month in text for month in (*months, "novembre", "décembre"))
    assert "Your IndigoMed records" not in text and "Your visits" not in text


def test_an_english_members_copy_stays_english_when_the_office_reads_french(history) -> None:
    with translation.override("fr"):
        text = pdf_text(build_copy(history.member.pk).pdf)
    assert "Your IndigoMed records" in text and "Your visits (2)" in text
    assert "Vos dossiers" not in text


def test_the_copies_page_reads_in_french(history, settings) -> None:
    settings.LANGUAGE_CODE = "fr"
    page = french_client(history.member).get("/me/copies/").content.decode()
    assert "Copies de mes dossiers" in page and "Copies remises" in page
