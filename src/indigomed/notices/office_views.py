"""The privacy office's notice desk: every version of the notice and the Terms, and the form that
publishes the next one (in English and French, with what changed), previewed before publishing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from indigomed.notices import queries, services
from indigomed.notices.models import NoticeAnnouncement, NoticeVersion
from indigomed.notices.text import stated_numbers, to_html
from indigomed.privacy.office_views import officers_only
from indigomed.web.feedback import on_form

Kind = NoticeVersion.Kind


class PublishForm(forms.Form):
    effective_on = forms.DateField(
        label=_lazy("Effective date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _lazy("Give the date this version takes effect.")},
    )
    body_en = forms.CharField(
        label=_lazy("Text in English (Markdown)"),
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 18}),
        error_messages={"required": _lazy("Write the text in English.")},
    )
    body_fr = forms.CharField(
        label=_lazy("Text in French (Markdown)"),
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 18}),
        error_messages={"required": _lazy("Write the text in French.")},
    )
    changes_en = forms.CharField(
        label=_lazy("What changed, in English (told to every member)"),
        max_length=services.CHANGES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    changes_fr = forms.CharField(
        label=_lazy("What changed, in French"),
        max_length=services.CHANGES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@officers_only
def desk(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "notices/office/desk.html",
        {
            "kinds": [(kind, kind.label, queries.versions_of(kind)) for kind in Kind],
            "announcements": NoticeAnnouncement.objects.select_related("version").order_by("-pk")[:10],
        },
    )


@officers_only
def publish(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Kind.values:
        raise Http404
    current = queries.current_version(kind)
    initial = {}
    if current is not None:
        initial = {"effective_on": current.effective_on, "body_en": current.body_en, "body_fr": current.body_fr}
    form = PublishForm(request.POST or None, initial=initial)
    status = 200
    preview = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if request.POST.get("action") == "preview":
                status = 200
                preview = {
                    "en": to_html(data["body_en"]),
                    "fr": to_html(data["body_fr"]),
                    "numbers": [
                        n for n in stated_numbers(data["body_en"] + "\n" + data["body_fr"]) if not n.matches_policy
                    ],
                }
            else:
                with on_form(form) as attempt:
                    version = services.publish_notice_version(actor=request.user, kind=kind, **data)
                    messages.success(
                        request,
                        _("Version %(number)s is published and is now the current one.") % {"number": version.number},
                    )
                    return redirect("office:notices")
                status = attempt.status
    return render(
        request,
        "notices/office/publish.html",
        {"form": form, "kind": kind, "label": Kind(kind).label, "current": current, "preview": preview},
        status=status,
    )
