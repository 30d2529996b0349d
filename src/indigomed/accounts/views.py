"""The page a parent opens from the consent e-mail (CHILD-1, France)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from indigomed.accounts.services import choose_language, give_parental_consent, member_for_consent_token
from indigomed.errors import DomainError, NotFound


def parental_consent(request: HttpRequest, token: str) -> HttpResponse:
    try:
        member = member_for_consent_token(token)
    except NotFound as exc:
        return render(request, "accounts/parental_consent.html", {"error": exc.message}, status=404)
    if request.method == "POST":
        member = give_parental_consent(token=token)
        return render(request, "accounts/parental_consent.html", {"member": member, "done": True})
    return render(request, "accounts/parental_consent.html", {"member": member})


@login_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The member's language for messages, chosen on their contact page (/me/contact/)."""
    try:
        choose_language(actor=request.user, language=request.POST.get("language", ""))  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "We will write to you in the language you chose.")
    return redirect("my_contact")
