"""The page a parent opens from the consent e-mail (CHILD-1, France)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indigomed.accounts.services import choose_language, give_parental_consent, member_for_consent_token
from indigomed.web.feedback import caught, flashed
from indigomed.web.language import keep_language


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


@login_required
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The member's language for messages, chosen on their contact page (/me/contact/)."""
    with flashed(request) as attempt:
        choose_language(actor=request.user, language=request.POST.get("language", ""))  # type: ignore[arg-type]
    if attempt.refusal is None:
        # The pages follow the member's language too.
        keep_language(request, request.POST.get("language", ""))
        messages.success(request, _("We will write to you in the language you chose."))
    return redirect("my_contact")
