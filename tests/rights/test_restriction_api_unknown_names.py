"""RIGHT-RESTRICT over the API: a restriction naming a category or a use the policy does not know
is refused with a clear 400 naming the field, and nothing is filed (it was a server error)."""

from __future__ import annotations

import pytest

from indigomed.privacy.models import Restriction
from indigomed.rights.models import Request
from tests.privacy.amending import signed_in
from tests.rights.test_amendment_and_restriction_api import SIGNED, post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"categories": ["no-such-category"]}, "categories"),
        ({"categories": ["x" * 10_000]}, "categories"),
        ({"categories": ["contact"], "purposes": ["no-such-use"]}, "purposes"),
    ],
)
def test_a_restriction_naming_what_the_policy_does_not_know_is_refused(world, body, field) -> None:
    member = signed_in(world.member)
    refused = post(member, "/api/me/restrictions", {**body, **SIGNED})
    assert refused.status_code == 400, refused.content
    assert refused.json()["field"] == field and refused.json()["detail"]
    assert not Restriction.objects.exists() and not Request.objects.exists()


def test_a_restriction_naming_known_categories_is_filed(world) -> None:
    member = signed_in(world.member)
    filed = post(member, "/api/me/restrictions", {"categories": ["contact"], **SIGNED})
    assert filed.status_code == 201 and filed.json()["categories"] == ["contact"]
