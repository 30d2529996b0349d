"""The notice and the Terms of Use as members and visitors read them: the current version, every
past version at its own address, a PDF of any version, a paper copy by post, and what changed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from indigomed.accounts.roles import actor_of
from indigomed.errors import NotFound
from indigomed.notices import queries, services
from indigomed.notices.models import NoticeVersion
from indigomed.notices.text import operator_values, to_html
from indigomed.web.feedback import flashed

Kind = NoticeVersion.Kind


def _language(request: HttpRequest) -> str:
    """The language to show a text in: asked for in the address (``?lang=fr``), else the page's."""
    asked = request.GET.get("lang")
    if asked in ("en", "fr"):
        return str(asked)
    return "fr" if (translation.get_language() or "en").startswith("fr") else "en"


def _document(version: NoticeVersion, language: str) -> dict[str, Any]:
    body = version.body_fr if language == "fr" else version.body_en
    return {
        "version": version,
        "language": language,
        "html": to_html(body),
        "registration": operator_values()["registration"],
        "is_current": queries.current_version(version.kind) == version,
    }


def _page(request: HttpRequest, version: NoticeVersion | None, kind: str) -> HttpResponse:
    if version is None:
        return render(request, "notices/none_yet.html", {"kind": kind, "label": Kind(kind).label}, status=404)
    language = _language(request)
    context = _document(version, language)
    context["versions"] = queries.versions_of(kind)
    context["to_acknowledge"] = queries.to_acknowledge(request.user) if kind == Kind.PRIVACY else None
    # A reader who asked for the text in one language reads the page around it in that language too.
    with translation.override(language):
        return render(request, "notices/document.html", context)


def current(request: HttpRequest, kind: str) -> HttpResponse:
    return _page(request, queries.current_version(kind), kind)


def past(request: HttpRequest, kind: str, number: int) -> HttpResponse:
    try:
        version = queries.version_of(kind, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _page(request, version, kind)


def pdf(request: HttpRequest, kind: str, number: int) -> HttpResponse:
    """Any version as a PDF (RIGHT-PAPER), its effective date at the top left of the first page."""
    from weasyprint import HTML  # imported here: loading Pango costs time every process would pay

    try:
        version = queries.version_of(kind, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    language = _language(request)
    with translation.override(language):
        html = render_to_string("notices/document_pdf.html", _document(version, language))
    response = HttpResponse(
        HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="indigomed-{kind}-v{number}-{language}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def paper(request: HttpRequest) -> HttpResponse:
    """A paper copy of any version: download it, or (members) have it posted."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={reverse('notices:paper')}")
        kind = request.POST.get("kind", "")
        number = request.POST.get("number", "")
        if kind not in Kind.values or not _number(number):
            messages.error(request, _("Choose a version to have posted to you."))
            return render(request, "notices/paper.html", _paper_context(request), status=400)
        with flashed(request) as attempt:
            services.request_paper_copy(actor=request.user, kind=kind, number=_number(number))
            messages.success(
                request,
                _(
                    "Your paper copy will be posted to the postal address in your contact choices. "
                    "If you have none yet, add one: the letter waits for it."
                ),
            )
        if attempt.refusal is not None:
            return render(request, "notices/paper.html", _paper_context(request), status=attempt.status)
        return redirect("notices:paper")
    return render(request, "notices/paper.html", _paper_context(request))


def _paper_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "privacy_versions": queries.versions_of(Kind.PRIVACY),
        "terms_versions": queries.versions_of(Kind.TERMS),
        "is_member": actor_of(request).is_member if request.user.is_authenticated else False,
    }


def _number(value: str) -> int:
    """A version number typed or posted; 0 for anything that is not plain ASCII digits."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0


def _next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, require_https=request.is_secure()):
        return value
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def changes(request: HttpRequest) -> HttpResponse:
    """What changed in the privacy notice since the member last acknowledged it; acknowledge, or carry on."""
    next_url = _next(request, request.POST.get("next") or request.GET.get("next", ""))
    if not actor_of(request).is_member:
        return redirect("notices:privacy")
    status = 200
    if request.method == "POST":
        with flashed(request) as attempt:
            services.acknowledge_notice(actor=request.user, number=_number(request.POST.get("number", "")))
            messages.success(request, _("Thank you: your acknowledgement of the notice is recorded."))
        if attempt.refusal is None:
            return redirect(next_url)
        status = attempt.status
    changed = queries.changes_since(request.user)
    for version in changed:
        # The operator's summary is Markdown too (lists of changes), made safe like the notice.
        version.changes_en_html = to_html(version.changes_en)  # type: ignore[attr-defined]
        version.changes_fr_html = to_html(version.changes_fr)  # type: ignore[attr-defined]
    return render(
        request,
        "notices/changes.html",
        {
            "pending": queries.to_acknowledge(request.user),
            "changed": changed,
            "language": _language(request),
            "next": next_url,
        },
        status=status,
    )
