"""SEC-1: the demo's staff pass the second step with the published demo secret; never in production."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from indigomed.demo.second_factor import DEMO_TOTP_SECRET, current_code, seed_second_factors
from tests.accounts.second_factor import code_for
from tests.conftest import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]
ADDRESS = "front.desk@example.test"


def test_a_demo_staff_account_signs_in_with_the_code_demo_code_prints(world, capsys) -> None:
    """SEC-1: the printed command gives the code the authenticator app would show."""
    seed_second_factors(emails=[ADDRESS])
    call_command("demo_code", ADDRESS)
    printed = capsys.readouterr().out
    code = printed.split()[0]
    assert code == current_code(ADDRESS)[0] and code in (
        code_for(DEMO_TOTP_SECRET),
        code_for(DEMO_TOTP_SECRET, steps_ago=-1),
    )
    client = Client()
    assert (
        client.post("/accounts/login/", {"login": ADDRESS, "password": "correct-horse-battery-staple"})["Location"]
        == "/accounts/2fa/authenticate/"
    )
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/connect/").status_code == 200


def test_demo_code_names_an_account_without_an_app(world) -> None:
    make_user("no.app@example.test", member=True)
    with pytest.raises(Exception, match="no demo authenticator app"):
        call_command("demo_code", "no.app@example.test")


def test_the_demo_secret_is_refused_in_production(world, settings) -> None:
    """SEC-1: a published secret protects nothing."""
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        seed_second_factors(emails=[ADDRESS])
    with pytest.raises(ImproperlyConfigured):
        current_code(ADDRESS)
