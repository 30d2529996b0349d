"""Checking bundles against the FHIR R4 (R4B) models of ``fhir.resources``."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle


def validate(bundle: dict[str, Any]) -> None:
    """Check the bundle against the FHIR R4 (R4B) models; ``pydantic.ValidationError`` if it is not."""
    Bundle.model_validate(bundle)


# Directory entries and IndigoMed itself: built from the same public rows for every member.
SHARED = frozenset({"Practitioner", "Organization", "Location"})


class Validator:
    """Checks many bundles of one export against the FHIR models: each bundle's envelope and each of
    its resources, except that a shared resource (a practitioner, facility or carrier) is checked the
    first time its id is seen: within one export it is built from the same directory row, loaded once
    (``sources.Directory``), for every member, so the same id is the same content."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def validate(self, bundle: dict[str, Any]) -> None:
        """``pydantic.ValidationError`` for a bundle that is not valid FHIR R4."""
        Bundle.model_validate({**bundle, "entry": [{"fullUrl": e["fullUrl"]} for e in bundle["entry"]]})
        for entry in bundle["entry"]:
            resource = entry["resource"]
            kind = resource["resourceType"]
            if kind in SHARED:
                if resource["id"] in self._seen:
                    continue
                get_fhir_model_class(kind).model_validate(resource)
                self._seen.add(resource["id"])
            else:
                get_fhir_model_class(kind).model_validate(resource)
