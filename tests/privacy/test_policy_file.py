"""USE-2: the policy is data, checked at start-up with the line of each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from indigomed.privacy.errors import PolicyError
from indigomed.privacy.policy import DEFAULT_POLICY, current_policy, parse_policy
from indigomed.privacy.subjects import load_subjects
from tests.conftest import make_user

SHIPPED = DEFAULT_POLICY.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i + 1 for i, line in enumerate(text.splitlines()) if needle in line)


def test_the_shipped_policy_knows_the_notice_and_the_law() -> None:
    policy = current_policy()
    assert policy.notice["accounting_lookback_days"] == 730
    assert policy.notice["accounting_answer_days"] == 20
    assert policy.purpose("sale").forbidden
    assert {"psychotherapy_notes", "marketing", "sale"} <= {p.name for p in policy.purposes.values() if p.authorization}
    assert policy.jurisdiction("us-fl").consent_purposes >= {
        "family",
        "directory",
        "payment",
        "operations",
        "marketing",
        "research",
    }
    assert policy.jurisdiction("us-oh").consent_tags == {"hiv", "substance_use", "mental_health"}
    assert policy.jurisdiction("us-oh").floors["accounting_lookback_days"] == 2190  # inherited from federal


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        (
            ("accounting_answer_days = 20", "accounting_answer_days = 20\nanswer_in_hours = 3"),
            "answer_in_hours",
            "unknown setting 'answer_in_hours'",
        ),
        (
            ('consent_tags = ["hiv", "substance_use", "mental_health"]', 'consent_tags = ["hiv", "substance_abuse"]'),
            'consent_tags = ["hiv", "substance_abuse"]',
            "unknown sensitivity tag 'substance_abuse'",
        ),
        (
            (
                'parent = "us"\nconsent_tags = ["hiv", "substance_use", "mental_health"]',
                'parent = "usa"\nconsent_tags = ["hiv", "substance_use", "mental_health"]',
            ),
            'parent = "usa"',
            "unknown parent jurisdiction 'usa'",
        ),
        (
            ("minimum_member_age = 13             #", 'minimum_member_age = "thirteen"  #'),
            'minimum_member_age = "thirteen"',
            "must be a whole number",
        ),
        (
            ('consent_purposes = ["family", "directory"', 'consent_purposes = ["familly", "directory"'),
            'consent_purposes = ["familly"',
            "unknown purpose 'familly'",
        ),
    ],
)
def test_a_mistake_in_the_policy_names_its_line(change, needle, message) -> None:
    old, new = change
    assert old in SHIPPED
    text = SHIPPED.replace(old, new, 1)
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "policy.toml")
    assert message in caught.value.message
    assert f"line {line_of(text, needle)}:" in caught.value.message


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        (
            ("deidentified = true   # AGG-1", 'deidentified = true\nreceive = { advertiser = "kind" }   # AGG-1'),
            'receive = { advertiser = "kind" }',
            "purpose 'aggregate' is de-identified: no recipient may receive identifiable data under it",
        ),
        (
            ("deidentified = true   # AGG-1", 'receive = { researcher = "kind" }   # AGG-1'),
            'receive = { researcher = "kind" }',
            "purpose 'aggregate' must be marked deidentified = true",
        ),
        (
            (
                'receive = { indigomed = "kind" }   # notice [I]',
                'receive = { indigomed = "kind", advertiser = "kind" }   # notice [I]',
            ),
            'receive = { indigomed = "kind", advertiser = "kind" }',
            "purpose 'marketing' is promotional: IndigoMed never shares for promotion with a third party "
            "(grants advertiser)",
        ),
        (
            ("promotional = true\nreceive", "receive"),
            'receive = { indigomed = "kind" }   # notice [I]',
            "purpose 'marketing' must be marked promotional = true",
        ),
        (
            ('receive = { legal = "legal_demand" }', 'receive = { legal = "a_phone_call" }'),
            'receive = { legal = "a_phone_call" }',
            "binds 'legal' by unknown rule 'a_phone_call'",
        ),
        (
            ('receive = { legal = "legal_demand" }', 'receive = { journalist = "legal_demand" }'),
            'receive = { journalist = "legal_demand" }',
            "grants unknown kind of recipient 'journalist'",
        ),
    ],
)
def test_the_start_up_check_refuses_identifiable_aggregates_and_promotion_to_third_parties(
    change, needle, message
) -> None:
    """USE-6, AGG-1: whatever an operator writes, nothing identifiable leaves as an aggregate and
    nothing goes to a third party for promotion; the check names the file and the line."""
    old, new = change
    assert old in SHIPPED
    text = SHIPPED.replace(old, new, 1)
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "operator-policy.toml")
    assert message in caught.value.message
    assert f"operator-policy.toml, line {line_of(text, needle)}:" in caught.value.message


def test_broken_toml_is_reported_with_its_position() -> None:
    with pytest.raises(PolicyError, match=r"policy.toml: .*line 3"):
        parse_policy('version = "x"\n[notice]\neffective = \n', "policy.toml")


def test_the_platform_refuses_to_start_with_a_bad_policy(settings, tmp_path: Path) -> None:
    bad = tmp_path / "operator-policy.toml"
    bad.write_text(SHIPPED.replace("[purposes.sale]", "[purposes.sale]\nprice = 3"), encoding="utf-8")
    settings.PRIVACY_POLICY_FILE = str(bad)
    with pytest.raises(ImproperlyConfigured, match=r"operator-policy.toml, line \d+: unknown setting 'price'"):
        apps.get_app_config("privacy").ready()


@pytest.mark.django_db  # the check also reads the published notice's text (docs/notice.md)
def test_the_notice_check_reports_the_two_year_look_back_against_hipaas_six(capsys) -> None:
    call_command("check_notice")
    out = capsys.readouterr().out
    assert (
        "United States (federal) (us): accounting_lookback_days is 730 in the notice; the law asks at least 2190" in out
    )
    assert "France (EU) (fr): access_answer_days is 30 in the notice; the law asks at most 8" in out
    assert "accounting_answer_days" not in out, "the notice's 20 days beat HIPAA's 60 and GDPR's 30"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "region", "shipped", "with_new_york"),
    [
        ("FR", "", "fr", "fr"),
        ("US", "OH", "us-oh", "us-oh"),
        ("US", "FL", "us-fl", "us-fl"),
        ("US", "NY", "us", "us-ny"),
    ],
)
def test_where_a_member_lives_maps_to_a_jurisdiction_through_the_file(
    settings, tmp_path: Path, country: str, region: str, shipped: str, with_new_york: str
) -> None:
    """USE-2: which country or state falls under which rules is the policy file's [places]; an
    operator who adds a New York overlay moves New Yorkers to it and nobody else."""
    member = make_user(f"{country}.{region}@example.test".lower(), member=True, country=country, region=region)
    assert load_subjects([member.pk])[member.pk].jurisdiction == shipped

    edited = SHIPPED.replace(
        'regions = { OH = "us-oh", FL = "us-fl" }', 'regions = { OH = "us-oh", FL = "us-fl", NY = "us-ny" }'
    )
    edited += '\n[jurisdictions.us-ny]\nlabel = "New York"\nparent = "us"\n'
    operator = tmp_path / "operator-policy.toml"
    operator.write_text(edited, encoding="utf-8")
    settings.PRIVACY_POLICY_FILE = str(operator)
    assert load_subjects([member.pk])[member.pk].jurisdiction == with_new_york


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        (
            ('regions = { OH = "us-oh", FL = "us-fl" }', 'regions = { OH = "us-oh", FL = "us-fla" }'),
            'FL = "us-fla"',
            "places names unknown jurisdiction 'us-fla'",
        ),
        (('[places.FR]\njurisdiction = "fr"', '[places.FR]\njurisdiction = "eu"'), 'jurisdiction = "eu"', "'eu'"),
        (('default = "us"  ', 'default = "usa"  '), 'default = "usa"', "places names unknown jurisdiction 'usa'"),
        (("[places.FR]", "[places.France]"), "[places.France]", "'France' is not a country table like [places.US]"),
        (
            ("parental_consent_age = 15", 'parental_consent_age = "quinze"'),
            'parental_consent_age = "quinze"',
            "floor 'parental_consent_age' must be a whole number",
        ),
    ],
)
def test_a_place_or_age_the_policy_cannot_apply_stops_the_platform_at_its_line(
    settings, tmp_path: Path, change, needle, message
) -> None:
    """USE-2, CHILD-1: a place naming an unknown jurisdiction, or an age that is not a number, is
    refused at start-up with the file and the line."""
    old, new = change
    assert old in SHIPPED
    text = SHIPPED.replace(old, new, 1)
    bad = tmp_path / "operator-policy.toml"
    bad.write_text(text, encoding="utf-8")
    settings.PRIVACY_POLICY_FILE = str(bad)
    with pytest.raises(ImproperlyConfigured) as caught:
        apps.get_app_config("privacy").ready()
    assert message in str(caught.value)
    assert f"operator-policy.toml, line {line_of(text, needle)}:" in str(caught.value)
