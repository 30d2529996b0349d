"""Refusals and errors of the privacy room."""

from __future__ import annotations

from indigomed.errors import Conflict
from indigomed.errors import PolicyError as PolicyError  # the policy file's own module sits below privacy


class LedgerBroken(Conflict):
    code = "ledger_broken"
