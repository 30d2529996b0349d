"""CHILD-1, USE-2: the sign-up age gate reads its ages from the policy file, for the country one
lives in: 13 everywhere the notice reaches, and in France a parent's consent under 15."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from indigomed.accounts.models import Member, User
from indigomed.policy_file import DEFAULT_POLICY
from tests.accounts.test_signup import sign_up, years_ago

SHIPPED = DEFAULT_POLICY.read_text(encoding="utf-8")
REFUSED = "create an IndigoMed account"
PARENT_ASKED = "a parent or guardian must agree too"


def operator_policy(settings, tmp_path: Path, old: str, new: str) -> None:
    assert old in SHIPPED
    path = tmp_path / "operator-policy.toml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    settings.PRIVACY_POLICY_FILE = str(path)


@pytest.mark.django_db
def test_a_policy_with_a_higher_minimum_age_refuses_whom_the_shipped_one_accepts(settings, tmp_path) -> None:
    """CHILD-1: the operator raises its notice's minimum to 16; a 15-year-old in the US is refused."""
    accepted = sign_up(Client(), "fifteen@example.test", years_ago(15).isoformat())
    assert accepted.status_code == 302

    operator_policy(settings, tmp_path, "minimum_member_age = 13             #", "minimum_member_age = 16  #")
    refused = sign_up(Client(), "also.fifteen@example.test", years_ago(15).isoformat())
    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_countrys_own_floor_above_the_notice_applies_there_only(settings, tmp_path) -> None:
    """CHILD-1: a law's minimum above the notice's applies to those who live under it; others keep 13."""
    operator_policy(
        settings,
        tmp_path,
        "minimum_member_age = 13                                # the notice's minimum",
        "minimum_member_age = 14                                # the notice's minimum",
    )
    assert REFUSED in sign_up(Client(), "fr13@example.test", years_ago(13).isoformat(), country="FR").content.decode()
    assert sign_up(Client(), "us13@example.test", years_ago(13).isoformat(), country="US").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(("country", "asked"), [("FR", True), ("US", False)])
def test_a_fourteen_year_old_needs_a_parent_in_france_and_not_in_the_us(country: str, asked: bool) -> None:
    """CHILD-1: Loi Informatique et Libertés art. 45 (under 15) applies in France; COPPA stops at 13."""
    response = sign_up(Client(), "fourteen@example.test", years_ago(14).isoformat(), country=country)
    assert (PARENT_ASKED in response.content.decode()) is asked
    assert Member.objects.exists() is not asked


@pytest.mark.django_db
def test_the_parental_consent_age_is_the_policys(settings, tmp_path) -> None:
    """CHILD-1: an operator whose file asks a parent's consent under 16 in France asks it of a 15-year-old."""
    operator_policy(settings, tmp_path, "parental_consent_age = 15", "parental_consent_age = 16")
    response = sign_up(Client(), "fifteen@example.test", years_ago(15).isoformat(), country="FR")
    assert PARENT_ASKED in response.content.decode()
    assert not Member.objects.exists()
