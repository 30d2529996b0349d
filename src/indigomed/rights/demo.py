"""The demo's requests: the demo member's requests in several states (an accounting listing a
court's order, ready to download; a question in review; a copy just asked for), and one request
past its deadline on the privacy officer's desk."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from indigomed.accounts.models import PrivacyOfficer, User
from indigomed.privacy.office import record_legal_demand, release_under_legal_demand
from indigomed.privacy.queries import member_zone
from indigomed.rights import accountings, office, services
from indigomed.rights.models import Request
from indigomed.rights.sweeps import remind_officers

# A one-page PDF standing in for a court's order (synthetic, like every demo document).
_ORDER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed_requests(*, member_email: str, other_member_email: str) -> None:
    """Requests for the demo member and one overdue request of another member, assigned to the officer."""
    member = User.objects.get_by_natural_key(member_email)
    other_member = User.objects.get_by_natural_key(other_member_email)
    officer = PrivacyOfficer.objects.select_related("user").order_by("pk").first().user  # type: ignore[union-attr]
    demand_file = ContentFile(_ORDER_PDF, name="order.pdf")
    demand_file.content_type = "application/pdf"  # type: ignore[attr-defined]
    demand = record_legal_demand(
        officer=officer,
        member_id=member.pk,
        kind="court_order",
        reference="DEMO-2026-0042",
        issued_by="Superior Court, Demo County",
        categories=["medical"],
        document=demand_file,
    )
    release_under_legal_demand(officer=officer, demand_public_id=str(demand.public_id), categories=["medical"], refs=[])
    # The member's own day: an accounting's period ends at the latest on their today, which in New
    # York evenings is still the server's yesterday.
    today = timezone.now().astimezone(member_zone(member.pk)).date()
    accounting, _ = accountings.ask_for_accounting(
        actor=member,
        asked_from=today - dt.timedelta(days=365 * 3),
        asked_until=today,
        delivery="electronic",
        signed_name="Jordan Demo",
        consent=True,
    )
    office.start_review(officer=officer, public_id=accounting.public_id)
    office.conclude(officer=officer, public_id=accounting.public_id, outcome=Request.State.FULFILLED)
    question = services.file_request(
        actor=member,
        kind=Request.Kind.QUESTION,
        text="Which of my details does my practitioner's front desk see?",
        signed_name="Jordan Demo",
        consent=True,
    )
    office.start_review(officer=officer, public_id=question.public_id)
    services.file_request(
        actor=member,
        kind=Request.Kind.ACCESS,
        text="Please send me a copy of my records.",
        signed_name="Jordan Demo",
        consent=True,
    )
    late = services.file_request(
        actor=other_member,
        kind=Request.Kind.AMENDMENT,
        text="The reason recorded for my last visit is wrong.",
        signed_name="Riley Sample",
        consent=True,
    )
    office.assign(officer=officer, public_id=late.public_id, to_user_id=officer.pk)
    # Backdated, so the desk shows a request past its deadline: filed 70 days ago, due 60 days after.
    back = dt.timedelta(days=70)
    with transaction.atomic():
        Request.objects.filter(pk=late.pk).update(
            received_at=late.received_at - back, signed_at=late.signed_at - back, due_at=late.due_at - back
        )
    remind_officers()
