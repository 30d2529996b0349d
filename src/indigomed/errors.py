"""The error types services raise; the web and API edges map each kind to one HTTP answer."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal a person can read. ``status`` is the HTTP answer the edges give it."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Invalid(DomainError):
    status = 400
    code = "invalid"


class NotFound(DomainError):
    """Also what an outsider gets for something that exists but is not theirs."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class PolicyError(Invalid):
    """The policy file is wrong, or a request names something the policy does not know."""

    code = "policy_error"
