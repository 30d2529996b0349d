"""The demo's amendment story (RIGHT-AMEND), told through the same services members and the office
use: the demo member asked to correct the reason of their upcoming booking, the privacy office
denied it, the member filed a statement of disagreement and the office wrote a rebuttal. The demo
practitioner sees both beside the reason in Connect; the member reads the whole exchange at
``/me/amendments/``."""

from __future__ import annotations

from indigomed.accounts.models import User
from indigomed.directory.models import VisitReason
from indigomed.privacy.amendment_queries import amendable_records, amendment_asked_by
from indigomed.privacy.amendments import file_disagreement, write_rebuttal
from indigomed.records.sign_in_keys import sign_in_key
from indigomed.rights.amendment import answer_amendment, ask_for_amendment
from indigomed.scheduling.models import Appointment


def seed_disputed_record(*, member_email: str, officer_email: str) -> None:
    """A denied amendment of the member's next booking's reason, with a statement and a rebuttal."""
    member = User.objects.get(email=sign_in_key(member_email))
    officer = User.objects.get(email=sign_in_key(officer_email))
    booked = Appointment.objects.filter(member=member, status="booked").order_by("starts_at").first()
    if booked is None:
        return
    record = f"booking:{booked.public_id}:reason"
    says = {r.record: r.current for r in amendable_records(actor=member)}
    current, member_name = says[record], says["profile:name"]
    other = (
        VisitReason.objects.filter(specialty__practitioners=booked.role.practitioner, tags=[])
        .exclude(name=current)
        .order_by("name")
        .first()
    )
    if other is None:
        return
    request = ask_for_amendment(
        actor=member,
        record=record,
        proposed=other.slug,
        why=f"I booked for the wrong reason: the visit is about {other.name.lower()}.",
        signed_name=member_name,
        consent=True,
    )
    amendment = amendment_asked_by(member=member, request_public_id=request.public_id)
    answer_amendment(
        officer=officer,
        public_id=str(amendment),
        accept=False,
        basis="accurate",  # the record is accurate and complete
        explanation="The booking records the reason you chose when you booked; the practice will ask about it.",
    )
    file_disagreement(
        actor=member,
        public_id=str(amendment),
        statement=f"The reason shown is not why I am coming: it is {other.name.lower()}.",
    )
    write_rebuttal(
        officer=officer,
        public_id=str(amendment),
        text="The reason stays as it was booked; the practitioner will confirm it with the patient at the visit.",
    )
