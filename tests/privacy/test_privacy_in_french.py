"""Issue 12 (French throughout): a member's privacy pages and the privacy office's back office read
in French, refusals included; what is stored (ledger, audit) is not translated."""

from __future__ import annotations

import pytest

from indigomed.privacy.models import Restriction
from tests.french import french_client


@pytest.fixture
def french(settings) -> None:
    settings.LANGUAGE_CODE = "fr"


def test_my_privacy_and_my_profile_read_in_french(people, french) -> None:
    member = french_client(people.paris)
    privacy = member.get("/me/privacy/").content.decode()
    assert "Ma confidentialité" in privacy and "Qui a vu mes informations" in privacy
    assert "Demander une limitation" in privacy and "Who saw my information" not in privacy
    profile = member.get("/me/").content.decode()
    assert "Mon profil" in profile and "Date de naissance" in profile


def test_an_unsigned_restriction_is_refused_in_french_and_nothing_is_stored(people, french) -> None:
    page = french_client(people.paris).post(
        "/me/privacy/restrict", {"categories": ["insurance"], "limits": "both", "signed_name": "Pat Member"}
    )
    assert "Cochez la case indiquant que vous demandez cette limitation" in page.content.decode()
    assert not Restriction.objects.exists()


def test_the_privacy_office_reads_in_french(people, french) -> None:
    office = french_client(people.officer)
    home = office.get("/office/").content.decode()
    assert "Bureau de la protection des données" in home and "Réquisitions judiciaires" in home
    assert "Partenaires commerciaux" in home
    breaches = office.get("/office/incidents/").content.decode()
    assert "Violations de données" in breaches and "Enregistrer un incident" in breaches
