"""Refusals and errors of the privacy room."""

from __future__ import annotations

from indigomed.errors import Conflict, Invalid


class PolicyError(Invalid):
    """The policy file is wrong, or a request names something the policy does not know."""

    code = "policy_error"


class LedgerBroken(Conflict):
    code = "ledger_broken"
