"""USE-2: every kind of mistake an operator can make in the policy file stops the platform with a
message naming it and, where the file has one, its line; and the compiled policy answers exactly."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from indigomed.privacy.errors import PolicyError
from indigomed.privacy.policy import DEFAULT_POLICY, current_policy, parse_policy

SHIPPED = DEFAULT_POLICY.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i + 1 for i, line in enumerate(text.splitlines()) if needle in line)


def refused(text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "policy.toml")
    return caught.value.message


def edited(old: str, new: str) -> str:
    assert old in SHIPPED, old
    return SHIPPED.replace(old, new, 1)


# (what the operator wrote: old text -> new text), the line's text (None: line 1), the message.
MISTAKES = [
    pytest.param(('version = "2026-11-26"', ""), None, "the policy lacks a version", id="no version"),
    pytest.param(
        ("[practice_views]\n", "[practice_views_old]\n"), "[practice_views_old]", "unknown section", id="odd section"
    ),
    pytest.param(
        ('version = "2026-11-26"', 'version = "2026-11-26"\ncolour = "blue"'),
        'colour = "blue"',
        "unknown section 'colour'",
        id="odd top-level key",
    ),
    pytest.param(
        ('version = "2026-11-26"', 'version = "2026-11-26"\n"spaced key" = 1'),
        None,
        "unknown section 'spaced key'",
        id="quoted key has no line of its own",
    ),
    pytest.param(
        ('effective = "2016-10-01"', ""), "[notice]", "[notice] lacks 'effective'", id="notice lacks a setting"
    ),
    pytest.param(
        ('effective = "2016-10-01"', "effective = 2016"), "effective = 2016", "'effective' must be a str", id="text"
    ),
    pytest.param(
        ("accounting_answer_days = 20 ", "accounting_answer_days = true "),
        "accounting_answer_days = true",
        "'accounting_answer_days' must be a whole number",
        id="a yes for a number",
    ),
    pytest.param(
        ('staff_roles = ["privacy_office", "billing", "support"]', 'staff_roles = ["privacy_office", 3]'),
        'staff_roles = ["privacy_office", 3]',
        "'staff_roles' must list names",
        id="staff role not a name",
    ),
    pytest.param(
        ('first_party = ["indigomed", "staff"]', 'first_party = ["indigomed", "friends"]'),
        'first_party = ["indigomed", "friends"]',
        "first_party names unknown kind 'friends'",
        id="first party unknown",
    ),
    pytest.param(
        ('practitioner = ["name", "reason", "insurance"]', 'practitioner = "everything"'),
        'practitioner = "everything"',
        "'practitioner' must list fields",
        id="practice view not a list",
    ),
    pytest.param(
        ('front_desk = ["name", "insurance"]', 'front_desk = ["name", "insurance", "diagnosis"]'),
        'front_desk = ["name", "insurance", "diagnosis"]',
        "'front_desk' names unknown field 'diagnosis'",
        id="practice view field unknown",
    ),
    pytest.param(
        ('front_desk = ["name", "insurance"]', 'receptionist = ["name"]'),
        'receptionist = ["name"]',
        "unknown practice role 'receptionist'",
        id="practice role unknown",
    ),
    pytest.param(
        ('facility_admin = ["name", "insurance"]', ""),
        "[practice_views]",
        "[practice_views] lacks 'facility_admin'",
        id="practice role left out",
    ),
    pytest.param(
        ("[purposes.treatment]", '[purposes]\nbroken = "yes"\n[purposes.treatment]'),
        None,
        "purpose 'broken' must be a table",
        id="purpose not a table",
    ),
    pytest.param(
        ('label = "Treatment"\nbasis = "HIPAA 45 CFR 164.506(c)"\n', 'label = "Treatment"\n'),
        "[purposes.treatment]",
        "[purposes.treatment] lacks 'basis'",
        id="purpose lacks its basis",
    ),
    pytest.param(
        ('label = "Treatment"\n', 'label = "Treatment"\nauthorization = "no"\n'),
        'authorization = "no"',
        "'authorization' must be a bool",
        id="purpose flag not a bool",
    ),
    pytest.param(
        ("accounting_lookback_days = 2190                        # HIPAA", "accounting_lookback_day = 2190  # HIPAA"),
        "accounting_lookback_day = 2190",
        "unknown floor 'accounting_lookback_day'",
        id="floor misspelt",
    ),
    pytest.param(
        ("access_answer_days = 8 ", 'access_answer_days = "8" '),
        'access_answer_days = "8"',
        "floor 'access_answer_days' must be a whole number",
        id="floor in quotes",
    ),
    pytest.param(
        ("access_answer_days = 8 ", "access_answer_days = true "),
        "access_answer_days = true",
        "floor 'access_answer_days' must be a whole number",
        id="floor a yes",
    ),
    pytest.param(
        ('label = "Florida"\n', ""), "[jurisdictions.us-fl]", "[jurisdictions.us-fl] lacks 'label'", id="no label"
    ),
]


@pytest.mark.parametrize(("change", "needle", "message"), MISTAKES)
def test_each_mistake_stops_the_platform_at_its_line(change, needle, message) -> None:
    text = edited(*change)
    found = refused(text)
    line = 1 if needle is None else line_of(text, needle)
    assert found.startswith(f"policy.toml, line {line}: ")
    assert message in found


@pytest.mark.parametrize("section", ["notice", "categories", "tags", "recipients", "purposes", "jurisdictions"])
def test_a_policy_without_one_of_its_sections_is_refused_by_name(section) -> None:
    kept = [chunk for chunk in SHIPPED.split("\n[") if not chunk.lstrip("[").startswith((f"{section}]", f"{section}."))]
    text = "\n[".join(kept)
    assert refused(text).startswith(f"policy.toml, line 1: the policy lacks [{section}]")


def test_a_practice_views_that_is_not_a_table_is_refused() -> None:
    start = SHIPPED.index("[practice_views]")
    end = SHIPPED.index("\n# ---", start)
    text = (SHIPPED[:start] + SHIPPED[end:]).replace('version = "2026-11-26"', 'version = "x"\npractice_views = "all"')
    assert refused(text).endswith("[practice_views] must be a table")


def test_asking_the_policy_about_what_it_does_not_know_is_an_error() -> None:
    """Deny by default starts with refusing the unknown: a kind, a purpose, a place, a role."""
    policy = current_policy()
    with pytest.raises(PolicyError, match="no kind of recipient 'journalist'"):
        policy.check_recipient_kind("journalist")
    policy.check_recipient_kind("practitioner")
    with pytest.raises(PolicyError, match="no purpose 'teleportation'"):
        policy.purpose("teleportation")
    with pytest.raises(PolicyError, match="no jurisdiction 'us-zz'"):
        policy.jurisdiction("us-zz")
    with pytest.raises(PolicyError, match="no practice role 'janitor'"):
        policy.practice_view("janitor")
    assert policy.practice_view("front_desk") == {"name", "insurance"}
    with pytest.raises(PolicyError, match="no category 'diagnosis'"):
        policy.check_categories(["medical", "diagnosis", "zz"])
    with pytest.raises(PolicyError, match="no sensitivity tag 'cancer'"):
        policy.check_tags({"hiv", "cancer"})
    policy.check_categories({"medical"})
    policy.check_tags(set())


def test_a_missing_policy_file_stops_the_platform(settings, tmp_path: Path) -> None:
    settings.PRIVACY_POLICY_FILE = str(tmp_path / "nowhere.toml")
    with pytest.raises(PolicyError, match=r"The policy file nowhere.toml is missing."):
        current_policy()


def test_an_edited_policy_file_is_read_again(settings, tmp_path: Path) -> None:
    operator = tmp_path / "policy.toml"
    operator.write_text(SHIPPED, encoding="utf-8")
    settings.PRIVACY_POLICY_FILE = str(operator)
    assert current_policy().notice["accounting_answer_days"] == 20
    operator.write_text(SHIPPED.replace("accounting_answer_days = 20 ", "accounting_answer_days = 15 "), "utf-8")
    assert current_policy().notice["accounting_answer_days"] == 15


def test_the_compiled_purposes_keep_their_flags() -> None:
    policy = current_policy()
    marketing, aggregate, treatment = (policy.purpose(n) for n in ("marketing", "aggregate", "treatment"))
    assert (marketing.authorization, marketing.promotional, marketing.accounting, marketing.forbidden) == (
        True,
        True,
        False,
        False,
    )
    assert not marketing.tpo and not marketing.deidentified
    assert (aggregate.deidentified, aggregate.receive) == (True, {})
    assert (treatment.tpo, treatment.deidentified, treatment.promotional, treatment.authorization) == (
        True,
        False,
        False,
        False,
    )
    assert policy.accounted_purposes >= {"required_by_law", "research"} and "treatment" not in policy.accounted_purposes
    assert policy.first_party == {"indigomed", "staff"} and "billing" in policy.staff_roles
    assert policy.jurisdiction("us-fl").chain == ("us", "us-fl")


def test_a_states_floor_overrides_the_federal_one_and_other_floors_are_inherited() -> None:
    ohio = 'consent_tags = ["hiv", "substance_use", "mental_health"]   # ORC 3701.243, 5119.27, 5122.31\n'
    text = edited(ohio, ohio + "[jurisdictions.us-oh.floors]\naccess_answer_days = 10\n")
    ohio = parse_policy(text, "policy.toml").jurisdiction("us-oh")
    assert ohio.floors["access_answer_days"] == 10
    assert ohio.floors["accounting_lookback_days"] == 2190


def test_a_notice_promise_exactly_at_the_legal_floor_is_no_shortfall() -> None:
    """The notice check reports only what protects members less than the law: equal is enough."""
    policy = current_policy()
    at_the_floor = dataclasses.replace(
        policy, notice={**policy.notice, "accounting_lookback_days": 2190, "access_answer_days": 8}
    )
    assert not [line for line in at_the_floor.shortfalls() if "lookback" in line or "access_answer" in line]
    one_short = dataclasses.replace(
        policy, notice={**policy.notice, "accounting_lookback_days": 2189, "access_answer_days": 9}
    )
    assert [line for line in one_short.shortfalls() if "lookback" in line or "access_answer" in line] == [
        "France (EU) (fr): access_answer_days is 9 in the notice; the law asks at most 8",
        "France (EU) (fr): accounting_lookback_days is 2189 in the notice; the law asks at least 2190",
        "United States (federal) (us): accounting_lookback_days is 2189 in the notice; the law asks at least 2190",
        "Florida (us-fl): accounting_lookback_days is 2189 in the notice; the law asks at least 2190",
        "Ohio (us-oh): accounting_lookback_days is 2189 in the notice; the law asks at least 2190",
    ]
    unpromised = dataclasses.replace(
        policy, notice={k: v for k, v in policy.notice.items() if k != "access_answer_days"}
    )
    assert not [line for line in unpromised.shortfalls() if "access_answer" in line]


def test_the_look_back_is_the_longer_of_the_notices_and_the_laws() -> None:
    """RIGHT-ACCOUNT: a look-back the law sets longer wins; a notice promising longer wins over the law."""
    policy = current_policy()
    assert policy.accounting_lookback_days("us") == 2190
    generous = dataclasses.replace(policy, notice={**policy.notice, "accounting_lookback_days": 3000})
    assert generous.accounting_lookback_days("fr") == 3000
    no_floor = dataclasses.replace(policy.jurisdiction("fr"), floors={})
    lawless = dataclasses.replace(policy, jurisdictions={**policy.jurisdictions, "fr": no_floor})
    assert lawless.accounting_lookback_days("fr") == 730
