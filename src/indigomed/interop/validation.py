"""Checking bundles against the FHIR R4 (R4B) models of ``fhir.resources``."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

URN = "urn:uuid:"


class InvalidBundle(ValueError):
    """A bundle whose entries do not stand on their own: a duplicate id or a dangling reference."""


def validate(bundle: dict[str, Any]) -> None:
    """Check the bundle against the FHIR R4 (R4B) models; ``pydantic.ValidationError`` if it is not."""
    Bundle.model_validate(bundle)


def check_copy(bundle: dict[str, Any]) -> None:
    """A member's copy: its envelope, every reference, and one resource of each shape against the
    FHIR models (a copy of 200 visits holds a handful of shapes, each built by the same lines from
    typed columns). ``pydantic.ValidationError`` or ``InvalidBundle`` if it is not valid; the tests
    check whole copies against the models."""
    Validator(first_whole=False).validate(bundle)


# Directory entries and IndigoMed itself: built from the same public rows for every member.
SHARED = frozenset({"Practitioner", "Organization", "Location"})
# One bundle in this many is checked whole against the FHIR models (the first one always).
SAMPLE_EVERY = 50


def _shape(resource: dict[str, Any]) -> tuple[Any, ...]:
    """Which fields a resource has, and one level down which fields those have: two resources of
    one shape were built by the same lines of ``interop.fhir`` from the same typed columns."""
    parts: list[Any] = [resource["resourceType"]]
    for key in sorted(resource):
        value = resource[key]
        if isinstance(value, list):
            value = value[0] if value else None
        parts.append((key, tuple(sorted(value)) if isinstance(value, dict) else type(value).__name__))
    return tuple(parts)


def _references(value: Any, found: list[str]) -> None:
    if isinstance(value, dict):
        ref = value.get("reference")
        if isinstance(ref, str):
            found.append(ref)
        for inner in value.values():
            if isinstance(inner, dict | list):
                _references(inner, found)
    elif isinstance(value, list):
        for inner in value:
            if isinstance(inner, dict | list):
                _references(inner, found)


class Validator:
    """Checks many bundles of one export, cheaply enough to stream thousands a second.

    Every bundle: its envelope against the FHIR model, each entry's ``fullUrl`` naming its own
    resource once, and every reference resolving inside the bundle. Against the FHIR models, each
    resource the first time its shape is seen (``_shape``), a shared resource (a practitioner,
    facility or carrier, the same directory row for every member) the first time its id is seen, and
    every resource of the first bundle and of one bundle in ``sample_every``. What varies between
    bundles of one shape is the values, which come from typed columns (dates, choices, ids)."""

    def __init__(self, sample_every: int = SAMPLE_EVERY, *, first_whole: bool = True) -> None:
        self._seen: set[str] = set()
        self._shapes: set[tuple[Any, ...]] = set()
        self._every = max(1, sample_every)
        self._count = 0 if first_whole else 1

    def validate(self, bundle: dict[str, Any]) -> None:
        """``pydantic.ValidationError`` for a bundle that is not valid FHIR R4, ``InvalidBundle``
        for one whose references do not resolve inside it."""
        whole = self._count % self._every == 0
        self._count += 1
        Bundle.model_validate({**bundle, "entry": [{"fullUrl": e["fullUrl"]} for e in bundle["entry"]]})
        urls: set[str] = set()
        references: list[str] = []
        for entry in bundle["entry"]:
            resource = entry["resource"]
            url = f"{URN}{resource['id']}"
            if entry["fullUrl"] != url or url in urls:
                raise InvalidBundle(f"Entry {entry['fullUrl']} does not name its own resource, once.")
            urls.add(url)
            _references(resource, references)
            kind = resource["resourceType"]
            if kind in SHARED:
                if resource["id"] in self._seen:
                    continue
                self._seen.add(resource["id"])
            elif not whole:
                shape = _shape(resource)
                if shape in self._shapes:
                    continue
                self._shapes.add(shape)
            get_fhir_model_class(kind).model_validate(resource)
        dangling = [r for r in references if r.startswith(URN) and r not in urls]
        if dangling:
            raise InvalidBundle(f"{len(dangling)} reference(s) point outside the bundle.")
