"""What a notice says: its placeholders filled from the policy file, its Markdown made safe HTML,
and the numbers a text states compared with the policy's.

The notice promises deadlines, look-backs and ages that ``privacy`` enforces from the policy file.
A text says them through placeholders (``{{ policy.accounting_answer_days }}``) filled when it is
shown, so the page and the enforcement read the same number; a number typed into the text
instead is what ``check_notice`` reports when it differs from the policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from django.conf import settings
from markdown_it import MarkdownIt

from indigomed.conf import product_setting
from indigomed.privacy.policy import Policy, current_policy

PLACEHOLDER = re.compile(r"\{\{\s*([a-z]+)\.([a-z_]+)\s*\}\}")
# Markdown without raw HTML: whatever the operator types is text, links are checked by
# markdown-it (no javascript: or data: addresses), and nh3 keeps only these tags (no script,
# no style, no event attribute: the site's strict Content-Security-Policy stays unbroken).
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_TAGS = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "code", "blockquote", "hr", "br"}
_ATTRIBUTES = {"a": {"href", "title"}}
_YEAR = 365


def _years(days: int) -> str:
    return str(days // _YEAR) if days % _YEAR == 0 else f"{days / _YEAR:.1f}"


def policy_values(policy: Policy | None = None) -> dict[str, str]:
    """Every number a notice may state, by placeholder name, from the policy file in force."""
    policy = policy or current_policy()
    notice = policy.notice
    values = {
        name: str(notice[name])
        for name in (
            "accounting_lookback_days",
            "accounting_answer_days",
            "amendment_answer_days",
            "access_answer_days",
            "restriction_answer_days",
            "question_answer_days",
            "accounting_free_every_days",
            "minimum_member_age",
            "ledger_retention_days",
        )
    }
    values["accounting_lookback_years"] = _years(int(notice["accounting_lookback_days"]))
    values["ledger_retention_years"] = _years(int(notice["ledger_retention_days"]))
    values["accounting_free_every_months"] = str(round(int(notice["accounting_free_every_days"]) / _YEAR * 12))
    cents = int(notice["accounting_fee_cents"])
    values["accounting_fee"] = f"{cents // 100}.{cents % 100:02d} {notice['accounting_fee_currency']}"
    consent_ages = [
        j.floors["parental_consent_age"] for j in policy.jurisdictions.values() if "parental_consent_age" in j.floors
    ]
    values["parental_consent_age"] = str(max(consent_ages)) if consent_ages else values["minimum_member_age"]
    return values


def operator_values() -> dict[str, str]:
    """Who runs IndigoMed, from settings: the data-protection registration [M] and where to write."""
    return {
        "registration": settings.DATA_PROTECTION_REGISTRATION,
        "address": str(product_setting("PRIVACY_OFFICE_ADDRESS")),
        "privacy_email": str(product_setting("PRIVACY_OFFICE_EMAIL")),
    }


def known_values() -> dict[str, dict[str, str]]:
    return {"policy": policy_values(), "operator": operator_values()}


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders of a text that name nothing known (a typo would show as a blank)."""
    values = known_values()
    return sorted({m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(2) not in values.get(m.group(1), {})})


def fill(text: str, values: dict[str, dict[str, str]] | None = None) -> str:
    """The text with every known placeholder replaced by its value; unknown ones are left as typed."""
    values = values or known_values()

    def value(match: re.Match[str]) -> str:
        return values.get(match.group(1), {}).get(match.group(2), match.group(0))

    return PLACEHOLDER.sub(value, text)


def to_html(text: str) -> str:
    """Safe HTML of a notice's Markdown, its placeholders filled. Links leave with no referrer."""
    html = _MARKDOWN.render(fill(text))
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        link_rel="noopener noreferrer",
        url_schemes={"https", "http", "mailto"},
    )


# --- Numbers a text states, compared with the policy (check_notice) ------------------------------

# A number typed before a unit of time: "20 days", "2 ans", "13 years". Placeholders are removed
# first, so only numbers the operator typed are looked at.
_STATED = re.compile(
    r"(?<![\w.])(\d{1,4})\s*(?:\(\w+\)\s*)?(days?|jours?|years?|ans?|ann[ée]es?|months?|mois)\b", re.IGNORECASE
)
# An age said without its unit: "under 13", "moins de 15".
_AGE = re.compile(
    r"\b(?:under|below|over|aged|moins de|plus de)\s+(\d{1,3})\b(?!\s*(?:\(\w+\)\s*)?[a-zé])", re.IGNORECASE
)
_UNIT = {
    "day": "days",
    "jour": "days",
    "year": "years",
    "an": "years",
    "ann": "years",
    "month": "months",
    "mois": "months",
}


@dataclass(frozen=True)
class StatedNumber:
    number: int
    unit: str
    phrase: str
    matches_policy: bool


def _unit(word: str) -> str:
    word = word.lower()
    for prefix, unit in _UNIT.items():
        if word.startswith(prefix):
            return unit
    return "days"


def policy_quantities(policy: Policy | None = None) -> dict[str, set[int]]:
    """The numbers the policy holds, by unit, as a notice may state them."""
    policy = policy or current_policy()
    days = {int(v) for k, v in policy.notice.items() if k.endswith("_days")}
    ages = {int(policy.notice["minimum_member_age"])}
    ages |= {
        j.floors["parental_consent_age"] for j in policy.jurisdictions.values() if "parental_consent_age" in j.floors
    }
    years = {d // _YEAR for d in days if d % _YEAR == 0} | ages
    months = {round(d / _YEAR * 12) for d in days if d >= 28 and (d % _YEAR == 0 or d % 30 == 0)}
    months |= {d // 30 for d in days if d % 30 == 0}
    return {"days": days, "years": years, "months": months}


def stated_numbers(text: str, policy: Policy | None = None) -> list[StatedNumber]:
    """Every number-and-unit typed into a text (not through a placeholder), and whether the policy
    holds that number in that unit."""
    quantities = policy_quantities(policy)
    plain = PLACEHOLDER.sub(" ", text)
    found = []
    for match in _STATED.finditer(plain):
        unit = _unit(match.group(2))
        number = int(match.group(1))
        found.append(StatedNumber(number, unit, " ".join(match.group(0).split()), number in quantities[unit]))
    for match in _AGE.finditer(plain):
        number = int(match.group(1))
        found.append(StatedNumber(number, "years", " ".join(match.group(0).split()), number in quantities["years"]))
    return found
