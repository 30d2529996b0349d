"""The page a parent opens from the consent e-mail (CHILD-1, France)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indigomed.accounts.services import give_parental_consent, member_for_consent_token
from indigomed.web.feedback import caught


def parental_consent(request: HttpRequest, token: str) -> HttpResponse:
    with caught() as attempt:
        member = member_for_consent_token(token)
    if refusal := attempt.refusal:
        # Said on the parent's own page: they followed a link from an e-mail, not a site address.
        return render(request, "accounts/parental_consent.html", {"error": refusal.message}, status=refusal.status)
    if request.method == "POST":
        member = give_parental_consent(token=token)
        return render(request, "accounts/parental_consent.html", {"member": member, "done": True})
    return render(request, "accounts/parental_consent.html", {"member": member})
