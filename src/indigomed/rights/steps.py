"""What concluding a request of a given kind does besides changing its state: a small, typed
registry of fulfilment steps, keyed by kind.

``rights.office.conclude`` looks up the step for the request's kind and, if there is one, calls
it inside its own transaction, before the state changes: a step that raises a refusal
(``indigomed.errors.DomainError``) leaves the request and everything else as it was. A step
receives the request (locked), the officer, the outcome (``Request.State``) and the payload the
office sent (kind-specific, already a plain mapping), and returns what the member is told of it.

To plug a kind in, add one line to ``STEPS``: the kind and the dotted path of a function matching
``FulfilmentStep``. The path is resolved when first used, so a room above ``rights`` (``interop``
for copies) can provide a step without ``rights`` importing it. The registry is a constant, not
state filled at start-up: every process reads the same one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any, Protocol

from django.utils.module_loading import import_string

from indigomed.accounts.models import User
from indigomed.rights.models import Request


@dataclass(frozen=True)
class StepResult:
    """What the member is told of the step, and where to find its result on the site. The step
    names its sentence by a code of ``messaging.request_notes`` and its numbers, so the message
    says it in the member's language when it is read; ``note`` is a sentence given as is."""

    note: str = ""
    link: str = ""
    note_code: str = ""
    note_params: Mapping[str, Any] = field(default_factory=dict)


class FulfilmentStep(Protocol):
    def __call__(
        self, *, request: Request, officer: User, outcome: str, payload: Mapping[str, Any]
    ) -> StepResult | None: ...


STEPS: Mapping[str, str] = MappingProxyType(
    {
        Request.Kind.ACCOUNTING: "indigomed.rights.accounting_fulfilment.fulfil_accounting",
        Request.Kind.AMENDMENT: "indigomed.rights.amendment.fulfil_amendment",
        Request.Kind.RESTRICTION: "indigomed.rights.restriction.fulfil_restriction",
        Request.Kind.ACCESS: "indigomed.rights.access.fulfil_access",
    }
)


@cache
def step_for(kind: str) -> FulfilmentStep | None:
    """The fulfilment step of a kind, or None when concluding it only changes its state."""
    path = STEPS.get(kind)
    return import_string(path) if path else None
