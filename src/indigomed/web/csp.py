"""The Content-Security-Policy header (SEC-1), built once rather than on every answer.

django-csp's middleware builds the header from settings for each response (its parts copied into
a dict, every directive joined again), though here the policy is the same on every answer: no
page asks for a nonce and no view changes the policy. This subclass keeps the header built from
the settings in force, and hands any answer that does something of its own (a nonce, a view's
own policy, an exemption, a report-only policy, excluded paths, a debug page) to django-csp.
"""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# What a view or decorator sets on a response to change or lift the policy for that answer.
_OWN_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    _built: tuple[Any, str] | None = None

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if (
            settings.DEBUG
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or (policy or {}).get("EXCLUDE_URL_PREFIXES")
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _OWN_POLICY)
        ):
            return super().process_response(request, response)
        built = self._built
        if built is None or built[0] is not policy:  # settings changed (a test's override)
            built = self._built = (policy, build_policy())
        if built[1] and HEADER not in response:
            response[HEADER] = built[1]
        # As django-csp does once the header is written: a nonce asked for later is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
