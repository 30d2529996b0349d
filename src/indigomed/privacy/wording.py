"""The policy file's words as a reader reads them: purposes, categories, protected kinds, kinds of
recipient, jurisdictions, breach audiences and the decision point's reasons, in the active language.

The policy file (``privacy/data/policy.toml``) and the decision point speak English, and what they
say is what the ledger and the audit keep. Pages, messages and documents show those words through
here: each code the shipped policy names has its catalogue entry; a code added to the policy later
without one is shown with the policy's own (English) label until it gets one.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from indigomed.privacy.decisions import Decision
from indigomed.privacy.policy import current_policy

PURPOSES: Mapping[str, Promise] = {
    "treatment": _("Treatment"),
    "payment": _("Payment"),
    "operations": _("Health care operations"),
    "required_by_law": _("Required by law (court order, subpoena, legal process)"),
    "safety": _("Protecting rights, property or safety"),
    "terms_enforcement": _("Enforcing the terms of use"),
    "claims": _("Answering claims"),
    "business_partner": _("Services of a business partner"),
    "reminders": _("Appointment reminders"),
    "personalization": _("Personalizing the service"),
    "marketing": _("Marketing"),
    "sale": _("Selling, renting or trading personal information"),
    "research": _("Research"),
    "psychotherapy_notes": _("Uses of psychotherapy notes"),
    "family": _("Family or friends involved in care"),
    "directory": _("Patient directory"),
    "merger": _("Transfer in a merger or acquisition"),
    "aggregate": _("Aggregate de-identified statistics"),
    # Not the policy's: what the access log keeps when IndigoMed writes to the member (messaging).
    "writing to you": _("writing to you"),
    "writing for you to someone you named": _("writing for you to someone you named"),
}
# Recipients the access log names in fixed English words (messaging's channels to the member).
RECIPIENT_LABELS: Mapping[str, Promise] = {
    "You, by e-mail": _("You, by e-mail"),
    "You, by text message": _("You, by text message"),
    "You, by post": _("You, by post"),
}
CATEGORIES: Mapping[str, Promise] = {
    "contact": _("Contact data: e-mail address, phone number, password"),
    "demographic": _("Demographic data: gender, date of birth, postal code"),
    "insurance": _("Insurance data: carrier, plan, member id"),
    "medical": _("Medical data: previous doctors and facilities, visit reasons and dates, what the member shares"),
    "correspondence": _("What the member writes to IndigoMed by e-mail or letter"),
}
TAGS: Mapping[str, Promise] = {
    "hiv": _("HIV/AIDS test results or diagnosis"),
    "substance_use": _("Drug or alcohol treatment received in a treatment program"),
    "mental_health": _("Mental health services"),
    "psychotherapy_notes": _("Psychotherapy notes"),
    "genetic": _("Genetic testing or DNA analysis results"),
    "std": _("Sexually transmitted disease"),
}
RECIPIENT_KINDS: Mapping[str, Promise] = {
    "member": _("The member themself"),
    "practitioner": _("A practitioner"),
    "facility": _("A health care facility"),
    "carrier": _("An insurance carrier"),
    "partner": _("A registered business partner"),
    "staff": _("IndigoMed's own staff"),
    "indigomed": _("IndigoMed, writing to its member"),
    "legal": _("A court or authority, under a legal demand"),
    "person": _("A person the member named (family, friend)"),
    "acquirer": _("The acquirer in a merger or acquisition"),
    "researcher": _("A researcher or research body"),
    "organization": _("Any other organization"),
    "advertiser": _("An advertiser"),
}
JURISDICTIONS: Mapping[str, Promise] = {
    "us": pgettext_lazy("jurisdiction", "United States (federal)"),
    "us-oh": pgettext_lazy("jurisdiction", "Ohio"),
    "us-fl": pgettext_lazy("jurisdiction", "Florida"),
    "fr": pgettext_lazy("jurisdiction", "France (EU)"),
}
# Whom a members' breach clock is for, where they live: kept in English (the clock's audience)
# and said as a whole sentence in each language ("du droit de l'Ohio", "du droit fédéral américain").
MEMBERS_UNDER: Mapping[str, str] = {
    "us": "Each affected member under US federal law",
    "us-oh": "Each affected member under Ohio law",
    "us-fl": "Each affected member under Florida law",
    "fr": "Each affected member under French and EU law",
}
BREACH_AUDIENCES: Mapping[str, Promise] = {
    "Each affected member under US federal law": _("Each affected member under US federal law"),
    "Each affected member under Ohio law": _("Each affected member under Ohio law"),
    "Each affected member under Florida law": _("Each affected member under Florida law"),
    "Each affected member under French and EU law": _("Each affected member under French and EU law"),
    "Each affected member": _("Each affected member"),
    "Prominent media outlets serving the state": _("Prominent media outlets serving the state"),
    "The Secretary of Health and Human Services": _("The Secretary of Health and Human Services"),
    "The Secretary of Health and Human Services (yearly log)": _(
        "The Secretary of Health and Human Services (yearly log)"
    ),
    "The Florida Department of Legal Affairs": _("The Florida Department of Legal Affairs"),
    "The CNIL": _("The CNIL"),
}


def purpose(code: str) -> str:
    if code in PURPOSES:
        return str(PURPOSES[code])
    found = current_policy().purposes.get(code)
    return found.label if found else code


def recipient_label(label: str) -> str:
    """A recipient as the access log names it: a person's or a practice's name stays as it is."""
    return str(RECIPIENT_LABELS.get(label, label))


def category(code: str) -> str:
    """A category's full description: "Contact data: e-mail address, phone number, password"."""
    return str(CATEGORIES.get(code) or current_policy().categories.get(code, code))


def category_name(code: str) -> str:
    """A category's name alone, without what it holds: "Contact data"."""
    return category(code).split(":")[0].strip()


def tag(code: str) -> str:
    return str(TAGS.get(code) or current_policy().tags.get(code, code))


def recipient_kind(code: str) -> str:
    return str(RECIPIENT_KINDS.get(code) or current_policy().recipient_kinds.get(code, code))


def jurisdiction(code: str) -> str:
    if code in JURISDICTIONS:
        return str(JURISDICTIONS[code])
    try:
        return current_policy().jurisdiction(code).label
    except Exception:  # an unknown code is shown as it is, never a failed page
        return code


def members_under(code: str, rule_label: str, jurisdiction_label: str) -> str:
    """Whom a members' breach clock is for, in English as the clock keeps it (``breach_audience``
    says it in the reader's language)."""
    if code in MEMBERS_UNDER and rule_label == "Each affected member":
        return MEMBERS_UNDER[code]
    return f"{rule_label} ({jurisdiction_label})"


def breach_audience(audience: str) -> str:
    """A clock's audience as kept ("Prominent media outlets serving the state (OH)") in the reader's words."""
    label, _sep, place = audience.partition(" (")
    if audience in BREACH_AUDIENCES:
        return str(BREACH_AUDIENCES[audience])
    if place and label in BREACH_AUDIENCES:
        return f"{BREACH_AUDIENCES[label]} ({place}"
    return audience


def choices(mapping: Mapping[str, str], say: object) -> list[tuple[str, str]]:
    """A policy table as form choices, each named in the reader's words, sorted as they read."""
    name = say if callable(say) else str
    return sorted(((code, name(code)) for code in mapping), key=lambda kv: kv[1])


# --- The decision point's reasons ----------------------------------------------------------------

# Reasons that name nothing, by their rule (or the rule's kind, before its ":").
_FIXED: Mapping[str, Promise] = {
    "self": _("Members read their own information."),
    "restriction": _("The member restricted this use or disclosure."),
    "authorization": _("The member authorized it."),
    "no-care-relationship": _("Only practitioners the member booked or was referred to may see this."),
    "partner-out-of-scope": _("A business partner receives only what its agreement covers."),
    "not-the-members-carrier": _("Only the carrier of a plan the member gave may receive this."),
    "staff-role-unknown": _("Only IndigoMed staff in a role the policy names may see this."),
    "no-legal-demand": _("A release required by law needs a recorded legal demand about this member."),
    "legal-demand-scope": _("The legal demand does not cover this information."),
    "no-office-decision": _(
        "This needs a recorded, reasoned decision of the privacy office naming this recipient and information."
    ),
    "transfer-not-announced": _("Members are told before a transfer in a merger (USE-7)."),
}


def reason_of(decision: Decision) -> str:
    """The decision point's reason for ``decision`` in the reader's language. The rule says which
    reason it is; a reason this module does not know is shown as the decision point wrote it.
    Like the reason itself, it never names a protected kind: only the rule does."""
    kind, _sep, rest = decision.rule.partition(":")
    name, _at, where = rest.partition("@")
    if decision.rule in _FIXED:
        return str(_FIXED[decision.rule])
    if kind in _FIXED and kind not in ("self",):
        return str(_FIXED[kind])
    protected = name in current_policy().tags
    what = gettext("Information of a specially protected kind") if protected else purpose(name)
    if kind == "never":
        return gettext("%(purpose)s: IndigoMed never does this.") % {"purpose": what}
    if kind == "recipient-not-allowed":
        recipient, _at, used_for = rest.partition("@")
        return gettext("%(purpose)s: %(recipient)s may not receive this.") % {
            "purpose": purpose(used_for),
            "recipient": recipient_kind(recipient).lower(),
        }
    if kind == "authorization-required":
        return gettext("%(what)s needs the member's written authorization.") % {"what": what}
    if kind == "consent-required":
        return gettext("%(what)s: %(jurisdiction)s law requires the member's consent.") % {
            "what": what,
            "jurisdiction": jurisdiction(where),
        }
    if kind == "not-named-by-member":
        return gettext("%(purpose)s: only someone the member named may receive this.") % {"purpose": what}
    if decision.allowed and kind == "purpose":
        return purpose(name)
    return decision.reason
