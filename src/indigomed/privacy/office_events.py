"""The privacy office reads the audit events (invariant 2c): every change, who made it and when,
newest first, narrowed by kind of change or by member reference. Members are named by reference
only; staff by the name their account displays."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indigomed.accounts.models import Member, User
from indigomed.privacy.office_views import officers_only
from indigomed.security.models import AuditEvent
from indigomed.security.queries import audit_events
from indigomed.security.services import AUDIT_ACTIONS

PER_PAGE = 50
SYSTEM = _("IndigoMed (automatic)")


class EventFilter(forms.Form):
    action = forms.ChoiceField(
        choices=[("", _("Every change")), *sorted(AUDIT_ACTIONS.items(), key=lambda item: str(item[1]))], required=False
    )
    # A member is found by reference, never by an address: the query string ends up in logs.
    member = forms.IntegerField(label=_("Member reference"), min_value=1, max_value=2**63 - 1, required=False)


@dataclass(frozen=True, slots=True)
class EventRow:
    event: AuditEvent
    who: str
    what: str
    details: str


def actor_labels(user_ids: set[int]) -> dict[int, str]:
    """How the office names each actor, in one query: "Member" for members, the account's display
    name for staff."""
    rows = (
        User.objects.filter(pk__in=user_ids)
        .annotate(acts_as_member=Exists(Member.objects.filter(user_id=OuterRef("pk"))))
        .values_list("pk", "display_name", "public_id", "acts_as_member")
    )
    return {
        pk: gettext("Member")
        if is_member
        else (display_name or gettext("Staff account %(ref)s") % {"ref": str(public_id)[:8]})
        for pk, display_name, public_id, is_member in rows
    }


@officers_only
def events(request: HttpRequest) -> HttpResponse:
    form = EventFilter(request.GET or None)
    action, member_id = None, None
    if form.is_valid():
        action = form.cleaned_data["action"] or None
        member_id = form.cleaned_data["member"]
    page = Paginator(audit_events(action=action, member_id=member_id), PER_PAGE).get_page(request.GET.get("page"))
    shown: list[AuditEvent] = list(page.object_list)
    labels = actor_labels({e.actor_user_id for e in shown if e.actor_user_id is not None})
    rows = [
        EventRow(
            event=e,
            who=str(SYSTEM)
            if e.actor_user_id is None
            else labels.get(e.actor_user_id, gettext("Account %(id)s") % {"id": e.actor_user_id}),
            what=str(AUDIT_ACTIONS.get(e.action, e.action)),
            details=", ".join(f"{key}: {_shown(value)}" for key, value in sorted(e.details.items())),
        )
        for e in shown
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "privacy/office/events.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


def _shown(value: object) -> str:
    return " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
