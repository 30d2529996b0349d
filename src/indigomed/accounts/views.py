"""The page a parent opens from the consent e-mail (CHILD-1, France)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indigomed.accounts.services import give_parental_consent, member_for_consent_token
from indigomed.errors import NotFound


def parental_consent(request: HttpRequest, token: str) -> HttpResponse:
    try:
        member = member_for_consent_token(token)
    except NotFound as exc:
        return render(request, "accounts/parental_consent.html", {"error": exc.message}, status=404)
    if request.method == "POST":
        member = give_parental_consent(token=token)
        return render(request, "accounts/parental_consent.html", {"member": member, "done": True})
    return render(request, "accounts/parental_consent.html", {"member": member})
