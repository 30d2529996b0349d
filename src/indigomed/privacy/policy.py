"""The policy file (USE-2): loaded, validated with the line of every mistake, compiled for fast decisions."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

from indigomed.policy_file import DEFAULT_POLICY as DEFAULT_POLICY
from indigomed.policy_file import MEMBER_SECTIONS, jurisdiction_chain, parse_member_rules, policy_path
from indigomed.policy_file import Lines as _Lines
from indigomed.policy_file import check_keys as _check_keys
from indigomed.policy_file import fail as _fail
from indigomed.privacy.breach_rules import BreachRule, parse_breach_rules
from indigomed.privacy.errors import PolicyError

NOTICE_KEYS = {
    "effective": str,
    "accounting_lookback_days": int,
    "accounting_answer_days": int,
    "amendment_answer_days": int,
    "access_answer_days": int,
    "restriction_answer_days": int,
    "question_answer_days": int,
    "accounting_free_every_days": int,
    "accounting_fee_cents": int,
    "accounting_fee_currency": str,
    "access_fee": str,
    "minimum_member_age": int,
    "ledger_retention_days": int,
}
# How a notice setting compares with the law: a deadline protects more when shorter, a
# look-back, an age limit or a retention when longer or higher.
FLOOR_DIRECTION = {
    "accounting_lookback_days": "at_least",
    "accounting_answer_days": "at_most",
    "amendment_answer_days": "at_most",
    "access_answer_days": "at_most",
    "restriction_answer_days": "at_most",
    "question_answer_days": "at_most",
    # The requests desk (rights): one extension's length where the law allows one; how often an
    # accounting is free (a shorter window gives more free ones, 0: always free).
    "accounting_extension_days": "at_most",
    "amendment_extension_days": "at_most",
    "access_extension_days": "at_most",
    "restriction_extension_days": "at_most",
    "accounting_free_every_days": "at_most",
    "minimum_member_age": "at_least",
    "parental_consent_age": "at_least",
    "ledger_retention_days": "at_least",
}
PURPOSE_KEYS = {
    "label": str,
    "basis": str,
    "authorization": bool,
    "accounting": bool,
    "tpo": bool,
    "forbidden": bool,
    "promotional": bool,
    "deidentified": bool,
    "receive": dict,
}
RECIPIENT_KEYS = {"first_party": list, "staff_roles": list, "kinds": dict}
# What can bind a recipient to a member; each is checked by ``privacy.decisions.decide``.
BINDINGS = frozenset(
    {
        "care_team",
        "plan_carrier",
        "partner_agreement",
        "staff_role",
        "legal_demand",
        "office_decision",
        "named_in_authorization",
        "announced_transfer",
        "kind",
    }
)
# Purposes whose nature the notice fixes, whatever an operator's file says of them: nothing
# identifiable leaves as an aggregate (AGG-1), and promotion never reaches a third party [I].
REQUIRED_FLAGS = {"aggregate": "deidentified", "marketing": "promotional", "sale": "promotional"}
JURISDICTION_KEYS = {
    "label": str,
    "parent": str,
    "consent_tags": list,
    "authorization_tags": list,
    "consent_purposes": list,
    "floors": dict,
    "breach": list,
}
TOP_KEYS = {"version", "notice", "categories", "tags", "recipients", "practice_views", "purposes", "jurisdictions"}
# Sections another module reads and checks itself: [copies] (``privacy.copy_fees``) and [traffic]
# (``traffic.retention``).
OWN_SECTIONS = frozenset({"copies", "traffic"})
# What a practice role may ask to see of a patient in its calendar, and the category each field is.
PRACTICE_FIELDS = {"name": "contact", "insurance": "insurance", "reason": "medical"}
# The roles of people who run a calendar in Connect: the practitioner themself, the facility's
# front desk (``FacilityStaff.Role.STAFF``) and its admin (``FacilityStaff.Role.ADMIN``).
PRACTICE_ROLES = ("practitioner", "front_desk", "facility_admin")


@dataclass(frozen=True, slots=True)
class Purpose:
    name: str
    label: str
    basis: str
    authorization: bool
    accounting: bool
    tpo: bool
    forbidden: bool
    promotional: bool = False
    deidentified: bool = False
    # Recipient kind -> what must bind a recipient of that kind; kinds not here are refused.
    receive: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """A jurisdiction with its parents' rules folded in."""

    code: str
    label: str
    chain: tuple[str, ...]
    consent_tags: frozenset[str]
    authorization_tags: frozenset[str]
    consent_purposes: frozenset[str]
    floors: dict[str, int]
    # Its own and its ancestors' breach clocks (SEC-3), the farthest first.
    breach: tuple[BreachRule, ...] = ()


@dataclass(frozen=True)
class Policy:
    version: str
    source: str
    notice: dict[str, Any]
    categories: dict[str, str]
    tags: dict[str, str]
    purposes: dict[str, Purpose]
    jurisdictions: dict[str, Jurisdiction]
    accounted_purposes: frozenset[str] = field(default_factory=frozenset)
    recipient_kinds: dict[str, str] = field(default_factory=dict)
    first_party: frozenset[str] = field(default_factory=frozenset)
    staff_roles: frozenset[str] = field(default_factory=frozenset)
    # Practice role -> the patient fields (``PRACTICE_FIELDS``) its calendar view asks for.
    practice_views: dict[str, frozenset[str]] = field(default_factory=dict)

    def practice_view(self, role: str) -> frozenset[str]:
        """The patient fields a practice role sees in its calendar; raises ``PolicyError`` for an unknown role."""
        try:
            return self.practice_views[role]
        except KeyError:
            raise PolicyError(gettext("The policy knows no practice role %(role)s.") % {"role": repr(role)}) from None

    def check_recipient_kind(self, kind: str) -> None:
        if kind not in self.recipient_kinds:
            raise PolicyError(gettext("The policy knows no kind of recipient %(kind)s.") % {"kind": repr(kind)})

    def purpose(self, name: str) -> Purpose:
        try:
            return self.purposes[name]
        except KeyError:
            raise PolicyError(gettext("The policy knows no purpose %(name)s.") % {"name": repr(name)}) from None

    def jurisdiction(self, code: str) -> Jurisdiction:
        try:
            return self.jurisdictions[code]
        except KeyError:
            raise PolicyError(gettext("The policy knows no jurisdiction %(code)s.") % {"code": repr(code)}) from None

    def check_categories(self, categories: frozenset[str] | set[str] | list[str]) -> None:
        unknown = sorted(set(categories) - self.categories.keys())
        if unknown:
            raise PolicyError(gettext("The policy knows no category %(unknown)s.") % {"unknown": repr(unknown[0])})

    def check_tags(self, tags: frozenset[str] | set[str] | list[str]) -> None:
        unknown = sorted(set(tags) - self.tags.keys())
        if unknown:
            raise PolicyError(
                gettext("The policy knows no sensitivity tag %(unknown)s.") % {"unknown": repr(unknown[0])}
            )

    def accounting_lookback_days(self, jurisdiction: str) -> int:
        """The longer of the notice's look-back and the member's jurisdiction's floor."""
        floor = self.jurisdiction(jurisdiction).floors.get("accounting_lookback_days", 0)
        return max(int(self.notice["accounting_lookback_days"]), floor)

    def shortfalls(self) -> list[str]:
        """Every notice setting that protects members less than a jurisdiction's floor."""
        found = []
        for code, jurisdiction in sorted(self.jurisdictions.items()):
            for key, floor in sorted(jurisdiction.floors.items()):
                promised = self.notice.get(key)
                if promised is None:
                    continue
                direction = FLOOR_DIRECTION[key]
                if (direction == "at_least" and promised < floor) or (direction == "at_most" and promised > floor):
                    word = "at least" if direction == "at_least" else "at most"
                    found.append(
                        f"{jurisdiction.label} ({code}): {key} is {promised} in the notice; the law asks {word} {floor}"
                    )
        return found


def parse_policy(text: str, source: str) -> Policy:
    """Validate and compile policy text. Raises ``PolicyError`` naming the file and the line."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: {exc}") from exc
    lines = _Lines(text)
    for key in raw:
        if key not in TOP_KEYS | MEMBER_SECTIONS | OWN_SECTIONS:
            raise _fail(
                source,
                # A key at the top (``key = ...``) or a table's header (``[key]``, ``[key.sub]``).
                next((i + 1 for i, ln in enumerate(lines.lines) if ln.lstrip("[").startswith(key)), 1),
                f"unknown section {key!r}",
            )
    for key in sorted(TOP_KEYS - raw.keys()):
        raise _fail(source, 1, f"the policy lacks [{key}]" if key != "version" else "the policy lacks a version")

    _check_keys(source, lines, "notice", raw["notice"], NOTICE_KEYS, set(NOTICE_KEYS))
    categories = {str(k): str(v) for k, v in raw["categories"].items()}
    tags = {str(k): str(v) for k, v in raw["tags"].items()}
    recipients = raw["recipients"]
    _check_keys(source, lines, "recipients", recipients, RECIPIENT_KEYS, set(RECIPIENT_KEYS))
    kinds = {str(k): str(v) for k, v in recipients["kinds"].items()}
    for key in ("first_party", "staff_roles"):
        if not all(isinstance(item, str) for item in recipients[key]):
            raise _fail(source, lines.of("recipients", key), f"{key!r} must list names")
    for kind in recipients["first_party"]:
        if kind not in kinds:
            raise _fail(source, lines.of("recipients", "first_party"), f"first_party names unknown kind {kind!r}")
    first_party = frozenset(recipients["first_party"])
    practice_views = _practice_views(source, lines, raw["practice_views"])

    purposes: dict[str, Purpose] = {}
    for name, spec in raw["purposes"].items():
        table = f"purposes.{name}"
        if not isinstance(spec, dict):
            raise _fail(source, lines.of(table), f"purpose {name!r} must be a table")
        _check_keys(source, lines, table, spec, PURPOSE_KEYS, {"label", "basis"})
        receive = {str(kind): binding for kind, binding in spec.get("receive", {}).items()}
        _check_receive(source, lines.of(table, "receive"), name, spec, receive, kinds, first_party)
        purposes[name] = Purpose(
            name=name,
            label=spec["label"],
            basis=spec["basis"],
            authorization=spec.get("authorization", False),
            accounting=spec.get("accounting", False),
            tpo=spec.get("tpo", False),
            forbidden=spec.get("forbidden", False),
            promotional=spec.get("promotional", False),
            deidentified=spec.get("deidentified", False),
            receive=receive,
        )

    specs: dict[str, dict[str, Any]] = raw["jurisdictions"]
    for code, spec in specs.items():
        table = f"jurisdictions.{code}"
        _check_keys(source, lines, table, spec, JURISDICTION_KEYS, {"label"})
        for key, known, what in (
            ("consent_tags", tags, "sensitivity tag"),
            ("authorization_tags", tags, "sensitivity tag"),
            ("consent_purposes", purposes, "purpose"),
        ):
            for item in spec.get(key, []):
                if item not in known:
                    raise _fail(source, lines.of(table, key), f"{key} names unknown {what} {item!r}")
        parent = spec.get("parent")
        if parent is not None and parent not in specs:
            raise _fail(source, lines.of(table, "parent"), f"unknown parent jurisdiction {parent!r}")
        floors = spec.get("floors", {})
        for key, value in floors.items():
            if key not in FLOOR_DIRECTION:
                raise _fail(source, lines.of(f"{table}.floors", key), f"unknown floor {key!r}")
            if isinstance(value, bool) or not isinstance(value, int):
                raise _fail(source, lines.of(f"{table}.floors", key), f"floor {key!r} must be a whole number")

    jurisdictions = {code: _fold(code, specs, source, lines) for code in specs}
    # Checked here with the rest, so that a wrong age or place also stops the platform.
    parse_member_rules(raw, lines, source)
    return Policy(
        version=str(raw["version"]),
        source=source,
        notice=dict(raw["notice"]),
        categories=categories,
        tags=tags,
        purposes=purposes,
        jurisdictions=jurisdictions,
        accounted_purposes=frozenset(p.name for p in purposes.values() if p.accounting),
        recipient_kinds=kinds,
        first_party=first_party,
        staff_roles=frozenset(recipients["staff_roles"]),
        practice_views=practice_views,
    )


def _practice_views(source: str, lines: _Lines, raw: Any) -> dict[str, frozenset[str]]:
    """Every practice role named, each with known fields: a role left out would see nothing, and
    saying so is the file's job, not an accident's."""
    table = "practice_views"
    if not isinstance(raw, dict):
        raise _fail(source, lines.of(table), "[practice_views] must be a table")
    views: dict[str, frozenset[str]] = {}
    for role, fields in raw.items():
        if role not in PRACTICE_ROLES:
            raise _fail(
                source,
                lines.of(table, role),
                f"unknown practice role {role!r} (the roles are {', '.join(PRACTICE_ROLES)})",
            )
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise _fail(source, lines.of(table, role), f"{role!r} must list fields")
        unknown = sorted(set(fields) - PRACTICE_FIELDS.keys())
        if unknown:
            raise _fail(
                source,
                lines.of(table, role),
                f"{role!r} names unknown field {unknown[0]!r} (the fields are {', '.join(PRACTICE_FIELDS)})",
            )
        views[role] = frozenset(fields)
    for role in PRACTICE_ROLES:
        if role not in views:
            raise _fail(source, lines.of(table), f"[practice_views] lacks {role!r}")
    return views


def _check_receive(
    source: str,
    line: int,
    name: str,
    spec: dict[str, Any],
    receive: dict[str, Any],
    kinds: dict[str, str],
    first_party: frozenset[str],
) -> None:
    """Who a purpose grants: known kinds and bindings; nobody under a de-identified purpose; no
    third party under a promotional one."""
    flag = REQUIRED_FLAGS.get(name)
    if flag and not spec.get(flag, False):
        raise _fail(source, line, f"purpose {name!r} must be marked {flag} = true")
    for kind, binding in receive.items():
        if kind not in kinds:
            raise _fail(source, line, f"purpose {name!r} grants unknown kind of recipient {kind!r}")
        if binding not in BINDINGS:
            raise _fail(source, line, f"purpose {name!r} binds {kind!r} by unknown rule {binding!r}")
    if receive and spec.get("deidentified", False):
        raise _fail(
            source,
            line,
            f"purpose {name!r} is de-identified: no recipient may receive identifiable data under it "
            f"(grants {', '.join(sorted(receive))})",
        )
    third_parties = sorted(set(receive) - first_party)
    if third_parties and spec.get("promotional", False):
        raise _fail(
            source,
            line,
            f"purpose {name!r} is promotional: IndigoMed never shares for promotion with a third party "
            f"(grants {', '.join(third_parties)})",
        )


def _fold(code: str, specs: dict[str, dict[str, Any]], source: str, lines: _Lines) -> Jurisdiction:
    chain = jurisdiction_chain(code, specs, source, lines)  # federal first, so the state's floors override
    floors: dict[str, int] = {}
    consent_tags: set[str] = set()
    authorization_tags: set[str] = set()
    consent_purposes: set[str] = set()
    breach: list[BreachRule] = []
    for link in chain:
        spec = specs[link]
        floors.update(spec.get("floors", {}))
        breach.extend(parse_breach_rules(link, spec.get("breach", []), source, lines))
        consent_tags.update(spec.get("consent_tags", []))
        authorization_tags.update(spec.get("authorization_tags", []))
        consent_purposes.update(spec.get("consent_purposes", []))
    return Jurisdiction(
        code=code,
        label=specs[code]["label"],
        chain=tuple(chain),
        consent_tags=frozenset(consent_tags),
        authorization_tags=frozenset(authorization_tags),
        consent_purposes=frozenset(consent_purposes),
        floors=floors,
        breach=tuple(breach),
    )


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> Policy:
    return parse_policy(Path(path).read_text(encoding="utf-8"), os.path.basename(path))


def current_policy() -> Policy:
    """The compiled policy, read once per file version (an edited file is picked up)."""
    path = policy_path()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError as exc:
        raise PolicyError(gettext("The policy file %(name)s is missing.") % {"name": path.name}) from exc
    return _load(str(path), mtime)
