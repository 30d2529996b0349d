"""Asking for an accounting of disclosures on the desk (RIGHT-ACCOUNT): the terms and the quote shown
before asking (period cut to the look-back, fee after the free one) and the request itself, filed
with its period and fee. Fulfilling it and its downloads are ``rights.accounting_fulfilment``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext

from indigomed.accounts.models import User
from indigomed.accounts.roles import load_actor
from indigomed.conventions import LANGUAGES, Reader, local_day
from indigomed.errors import Invalid, NotFound
from indigomed.messaging.confidential import contact_choice_of
from indigomed.privacy import accounting
from indigomed.privacy.policy import current_policy
from indigomed.privacy.queries import member_zone
from indigomed.rights import services
from indigomed.rights.deadlines import member_jurisdiction
from indigomed.rights.models import Accounting, Request

Delivery = Accounting.Delivery


class FeeNotAccepted(Invalid):
    """A further accounting inside the free window, asked for without accepting its fee."""

    code = "fee_not_accepted"


@dataclass(frozen=True)
class Fee:
    cents: int
    currency: str
    # The free accounting that makes this one paid, when there is one.
    free_one_on: dt.date | None = None

    @property
    def due(self) -> bool:
        return self.cents > 0

    def __str__(self) -> str:
        return f"{self.cents / 100:.2f} {self.currency}"


def _page_reader() -> Reader:
    """The reader of the page or document being written: its active language."""
    language = translation.get_language()
    return Reader(language=language if language in LANGUAGES else "en")


@dataclass(frozen=True)
class Quote:
    """What the member is shown before asking: the period as it will be covered, why it was cut,
    and the fee, if any."""

    period: accounting.Period
    fee: Fee
    zone: dt.tzinfo

    @property
    def covered_from(self) -> dt.date:
        return self.period.start.astimezone(self.zone).date()

    @property
    def covered_until(self) -> dt.date:
        return (self.period.end.astimezone(self.zone) - dt.timedelta(microseconds=1)).date()

    @property
    def cut_note(self) -> str:
        if not self.period.cut:
            return ""
        years = self.period.lookback_days / 365
        # Read as the page or the document that shows it is written: in its active language.
        reader = _page_reader()
        return gettext(
            "An accounting reaches back %(days)s days (about %(years)s years), the longer "
            "of what our notice promises and what the law where you live asks, so it starts on "
            "%(start)s rather than on the day you picked."
        ) % {
            "days": self.period.lookback_days,
            "years": f"{years:.0f}",
            "start": local_day(self.covered_from, None, reader, "year"),
        }


def free_window_days(jurisdiction: str) -> int:
    """How often an accounting is free: the notice's window, or the law's where it is shorter (0: always)."""
    policy = current_policy()
    promised = int(policy.notice["accounting_free_every_days"])
    floor = policy.jurisdiction(jurisdiction).floors.get("accounting_free_every_days")
    return promised if floor is None else min(promised, floor)


def fee_for(*, member_id: int, jurisdiction: str, now: dt.datetime) -> Fee:
    """Nothing for the first accounting in the free window; the policy's fee for any further one.
    An accounting the office denied does not use up the free one."""
    policy = current_policy()
    window = free_window_days(jurisdiction)
    currency = str(policy.notice["accounting_fee_currency"])
    if window <= 0:
        return Fee(0, currency)
    earlier = (
        Request.objects.filter(
            member_id=member_id,
            kind=Request.Kind.ACCOUNTING,
            received_at__gt=now - dt.timedelta(days=window),
            accounting__fee_cents=0,
        )
        .exclude(state=Request.State.DENIED)
        .order_by("received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    if earlier is None:
        return Fee(0, currency)
    return Fee(int(policy.notice["accounting_fee_cents"]), currency, earlier.date())


def _bounds(asked_from: dt.date, asked_until: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The member's days, in their zone: from the start of the first to the end of the last."""
    try:
        start = dt.datetime.combine(asked_from, dt.time(0), tzinfo=zone)
        end = dt.datetime.combine(asked_until + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    except OverflowError:
        raise Invalid(gettext("Pick a period of days that exist, up to today."), field="period") from None
    return start, end


def quote(*, actor: User, asked_from: dt.date, asked_until: dt.date) -> Quote:
    """The period an accounting would cover and its fee, before asking. ``Invalid`` for a period
    that ends before it starts, after today, or before the look-back reaches."""
    if not load_actor(actor).is_member:
        raise NotFound(gettext("Only members ask for accountings."))
    zone = member_zone(actor.pk)
    now = timezone.now()
    if asked_until > now.astimezone(zone).date():
        raise Invalid(
            gettext("The period cannot end after today: disclosures not yet made cannot be listed."), field="period"
        )
    start, end = _bounds(asked_from, asked_until, zone)
    jurisdiction = member_jurisdiction(actor.pk)
    period = accounting.period_for(jurisdiction=jurisdiction, asked_start=start, asked_end=end, now=now)
    return Quote(period, fee_for(member_id=actor.pk, jurisdiction=jurisdiction, now=now), zone)


@dataclass(frozen=True)
class Terms:
    """What the member is told before picking a period: how far back an accounting reaches, and its fee."""

    fee: Fee
    lookback_days: int
    earliest: dt.date


def terms(*, actor: User) -> Terms:
    """The look-back and fee that apply to the member now, shown on the form before they ask."""
    if not load_actor(actor).is_member:
        raise NotFound(gettext("Only members ask for accountings."))
    jurisdiction = member_jurisdiction(actor.pk)
    now = timezone.now()
    days = current_policy().accounting_lookback_days(jurisdiction)
    earliest = (now - dt.timedelta(days=days)).astimezone(member_zone(actor.pk)).date()
    return Terms(fee_for(member_id=actor.pk, jurisdiction=jurisdiction, now=now), days, earliest)


def ask_for_accounting(
    *,
    actor: User,
    asked_from: dt.date,
    asked_until: dt.date,
    delivery: str,
    signed_name: str,
    consent: bool,
    accept_fee: bool = False,
    text: str = "",
    submission: uuid.UUID | None = None,
) -> tuple[Request, Quote]:
    """The member asks for an accounting of a period, signed and dated. The period is cut to the
    look-back (the quote says so); a further accounting inside the free window needs its fee
    accepted, or ``FeeNotAccepted`` is raised and nothing is stored. On paper, the member's contact
    choice must hold a postal address (``/me/contact/``)."""
    if delivery not in Delivery.values:
        raise Invalid(gettext("Choose downloads or a letter by post."), field="delivery")
    offer = quote(actor=actor, asked_from=asked_from, asked_until=asked_until)
    if delivery == Delivery.PAPER and not contact_choice_of(actor=actor).postal_address:
        raise Invalid(
            gettext("To receive it by post, first give the postal address letters may go to on your contact page."),
            field="delivery",
        )
    _refuse_unaccepted(offer.fee, accept_fee)
    # Written for the member in the language of the page they sign on, and kept as they signed it.
    reader = _page_reader()
    shown = {
        "start": local_day(asked_from, None, reader, "year"),
        "end": local_day(asked_until, None, reader, "year"),
    }
    words = (
        text.strip()
        or (
            gettext(
                "I ask for an accounting of the disclosures of my health information from %(start)s to %(end)s, "
                "as downloads."
            )
            if delivery == Delivery.ELECTRONIC
            else gettext(
                "I ask for an accounting of the disclosures of my health information from %(start)s to %(end)s, "
                "on paper, by post."
            )
        )
        % shown
    )

    def then(request: Request) -> Mapping[str, Any]:
        # Counted again inside the filing's transaction, on the member's locked row: two free
        # requests sent at once cannot both be free.
        User.objects.select_for_update().filter(pk=request.member_id).first()
        fee = fee_for(member_id=request.member_id, jurisdiction=request.jurisdiction, now=request.received_at)
        _refuse_unaccepted(fee, accept_fee)
        Accounting.objects.create(
            request=request,
            asked_from=asked_from,
            asked_until=asked_until,
            period_start=offer.period.start,
            period_end=offer.period.end,
            cut_to_lookback=offer.period.cut,
            lookback_days=offer.period.lookback_days,
            delivery=delivery,
            fee_cents=fee.cents,
            fee_currency=fee.currency if fee.due else "",
            fee_accepted=fee.due,
        )
        return {"fee": str(fee)} if fee.due else {}

    request = services.file_request(
        actor=actor,
        kind=Request.Kind.ACCOUNTING,
        text=words,
        signed_name=signed_name,
        consent=consent,
        then=then,
        submission=submission,
    )
    return request, offer


def _refuse_unaccepted(fee: Fee, accepted: bool) -> None:
    if fee.due and not accepted:
        raise FeeNotAccepted(
            gettext(
                "You already had a free accounting on %(day)s; another one within the year costs %(fee)s. "
                "Accept the fee to ask for it."
            )
            % {"day": local_day(fee.free_one_on or timezone.localdate(), None, _page_reader(), "year"), "fee": fee},
            field="accept_fee",
            fee_cents=fee.cents,
            fee_currency=fee.currency,
        )
