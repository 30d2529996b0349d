"""Publishing notice versions, members' acknowledgements and paper copies (NOTICE-1, RIGHT-PAPER).

Every write is one function here: keyword-only arguments, a required actor, one transaction and
its audit event inside it. Messages to members are outbox rows written in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indigomed.accounts.models import Member
from indigomed.accounts.roles import load_actor
from indigomed.errors import Conflict, Forbidden, Invalid, NotFound
from indigomed.messaging import outbox
from indigomed.messaging.models import Message
from indigomed.notices.models import NoticeAcknowledgement, NoticeAnnouncement, NoticeQuestion, NoticeVersion
from indigomed.notices.text import fill, known_values, unknown_placeholders
from indigomed.security.services import record_event

Kind = NoticeVersion.Kind
ANNOUNCE_KIND = "notice-version"
PAPER_KIND = "notice-paper-copy"
# A version's text and its summary of changes: long enough for a real notice, short enough to seal
# in every member's message.
BODY_MAX = 60_000
CHANGES_MAX = 2_000
# The largest version number a database integer holds: anything above names no version.
NUMBER_MAX = 2_147_483_647
# An effective date outside these is a typing slip (year 9999, year 1): since every later version
# must be effective on or after it, one published far ahead would lock the notice.
EARLIEST_EFFECTIVE = dt.date(2000, 1, 1)
AHEAD_AT_MOST = dt.timedelta(days=366)


def publish_notice_version(
    *,
    actor: Any,
    kind: str,
    effective_on: dt.date | None,
    body_en: str,
    body_fr: str,
    changes_en: str = "",
    changes_fr: str = "",
) -> NoticeVersion:
    """Publish the next version of the privacy notice or the Terms of Use, and make it current.

    Refused (``Invalid``, nothing stored) without an effective date, with one before the previous
    version's, without both languages, without a summary of changes (after the first version), or
    with a placeholder that names nothing. Only privacy officers publish (``Forbidden``). A new
    privacy-notice version is then told to every member, in batches (``announce_batch``).
    """
    if not load_actor(actor).is_privacy_officer:
        raise Forbidden(_("Only the privacy office publishes notices."))
    if kind not in Kind.values:
        raise Invalid(_("Choose the privacy notice or the Terms of Use."), field="kind")
    texts = {
        "body_en": body_en.strip(),
        "body_fr": body_fr.strip(),
        "changes_en": changes_en.strip(),
        "changes_fr": changes_fr.strip(),
    }
    if effective_on is None:
        raise Invalid(_("Give the date this version takes effect."), field="effective_on")
    if not EARLIEST_EFFECTIVE <= effective_on <= timezone.localdate() + AHEAD_AT_MOST:
        raise Invalid(
            _("Check the year: a version takes effect from %(earliest)s to a year from today.")
            % {"earliest": EARLIEST_EFFECTIVE.year},
            field="effective_on",
        )
    for field, label in (("body_en", _("English")), ("body_fr", _("French"))):
        if not texts[field]:
            raise Invalid(
                _("Write the text in %(language)s too: members read it in theirs.") % {"language": label}, field=field
            )
        if len(texts[field]) > BODY_MAX:
            raise Invalid(_("The text is too long."), field=field)
        unknown = unknown_placeholders(texts[field])
        if unknown:
            raise Invalid(_("Unknown placeholder: %(name)s.") % {"name": unknown[0]}, field=field)
    with transaction.atomic():
        previous = NoticeVersion.objects.select_for_update().filter(kind=kind).order_by("-number").first()
        if previous is not None:
            if _same(previous, effective_on, texts):
                # "Publish" pressed twice: the first press published it; nothing more to do.
                raise Conflict(
                    _("This version is already published as version %(number)s; nothing more was published.")
                    % {"number": previous.number}
                )
            if effective_on < previous.effective_on:
                raise Invalid(
                    _("The effective date cannot be before the previous version's (%(date)s).")
                    % {"date": previous.effective_on.isoformat()},
                    field="effective_on",
                )
            for field in ("changes_en", "changes_fr"):
                if not texts[field]:
                    raise Invalid(_("Say what changed, in English and in French: members are told."), field=field)
                if len(texts[field]) > CHANGES_MAX:
                    raise Invalid(_("Keep the summary of changes short."), field=field)
        number = previous.number + 1 if previous else 1
        try:
            with transaction.atomic():
                version = NoticeVersion.objects.create(
                    kind=kind, number=number, effective_on=effective_on, published_by=actor, **texts
                )
        except IntegrityError as exc:  # another officer published this number a moment before
            raise Conflict(_("Another version was published meanwhile; reload and try again.")) from exc
        if kind == Kind.PRIVACY and previous is not None:
            NoticeAnnouncement.objects.create(version=version)
        record_event(
            actor=actor,
            action="notice.published",
            subject_ref=f"notice:{kind}-v{number}",
            details={"number": number},
        )
    return version


def _same(version: NoticeVersion, effective_on: dt.date, texts: dict[str, str]) -> bool:
    return version.effective_on == effective_on and all(getattr(version, f) == v for f, v in texts.items())


def announce_batch(*, batch: int = 500) -> int | None:
    """Tell the next ``batch`` members of a privacy-notice version still being announced, in one
    short transaction; returns how many were queued, ``None`` when no announcement is open.

    Each member's message is an outbox row, in their language and by the ways they allow, naming
    no care; members who joined after the version was published accepted it at sign-up.
    """
    with transaction.atomic():
        announcement = (
            NoticeAnnouncement.objects.select_for_update(skip_locked=True)
            .select_related("version")
            .filter(finished_at__isnull=True)
            .order_by("pk")
            .first()
        )
        if announcement is None:
            return None
        version = announcement.version
        ids = list(
            Member.objects.filter(
                user_id__gt=announcement.after_user_id,
                created_at__lt=version.published_at,
                user__is_active=True,
            )
            .order_by("user_id")
            .values_list("user_id", flat=True)[:batch]
        )
        outbox.enqueue(
            member_ids=ids,
            kind=ANNOUNCE_KIND,
            context={
                "number": version.number,
                "effective_on": version.effective_on.isoformat(),
                "changes_en": version.changes_en,
                "changes_fr": version.changes_fr,
                "link": "/privacy/changes/",
            },
            about_ref=version.ref,
        )
        announcement.queued += len(ids)
        if ids:
            announcement.after_user_id = ids[-1]
        fields = ["queued", "after_user_id"]
        if len(ids) < batch:
            announcement.finished_at = timezone.now()
            fields.append("finished_at")
            record_event(
                actor=None,
                action="notice.members_told",
                subject_ref=f"notice:{version.kind}-v{version.number}",
                details={"number": version.number, "queued": announcement.queued},
            )
        announcement.save(update_fields=fields)
    return len(ids)


def announce_pending(*, batch: int = 500) -> int:
    """Run ``announce_batch`` until every announcement is finished, each batch its own
    transaction; returns how many members were queued."""
    total = 0
    while (queued := announce_batch(batch=batch)) is not None:
        total += queued
    return total


def ask_once(*, actor: Any, version: NoticeVersion) -> bool:
    """Note that a member is being asked about a version; ``False`` if they were asked before.

    No audit event: it records a question shown, not a change to anything of the member's.
    """
    _, created = NoticeQuestion.objects.get_or_create(user=actor, version=version)
    return created


def acknowledge_notice(*, actor: Any, number: int) -> NoticeAcknowledgement:
    """Record that a member read the current privacy-notice version (asked once per version).

    Only the current version can be acknowledged (``Invalid`` for an older one, ``NotFound`` for
    one that does not exist); acknowledging twice keeps the first record.
    """
    if not load_actor(actor).is_member:
        raise Forbidden(_("Only members acknowledge the notice."))
    current = NoticeVersion.objects.filter(kind=Kind.PRIVACY).order_by("-number").first()
    known = 0 < number <= NUMBER_MAX and NoticeVersion.objects.filter(kind=Kind.PRIVACY, number=number).exists()
    if current is None or not known:
        raise NotFound(_("No such version of the notice."))
    if current.number != number:
        raise Invalid(_("A newer version of the notice was published: please read it."))
    with transaction.atomic():
        found, created = NoticeAcknowledgement.objects.get_or_create(
            user=actor, version=current, defaults={"how": NoticeAcknowledgement.How.CHANGES}
        )
        if created:
            record_event(
                actor=actor,
                action="notice.acknowledged",
                subject_ref=current.ref,
                member_id=actor.pk,
                details={"number": current.number},
            )
    return found


def record_sign_up_acceptance(*, actor: Any, privacy_number: int | None, terms_number: int | None) -> None:
    """Record, in the sign-up's transaction, that a new member accepted the notice and the Terms
    in the versions the form showed them (validated by the form against the current ones); a
    version published since is asked about at their next sign-in, like any other."""
    for kind, number in ((Kind.PRIVACY, privacy_number), (Kind.TERMS, terms_number)):
        if number is None:
            continue
        version = NoticeVersion.objects.filter(kind=kind, number=number).first()
        if version is None:
            raise NotFound(_("No such version."))
        NoticeAcknowledgement.objects.create(user=actor, version=version, how=NoticeAcknowledgement.How.SIGN_UP)
        record_event(
            actor=actor,
            action="notice.accepted",
            subject_ref=version.ref,
            member_id=actor.pk,
            details={"number": version.number},
        )


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
# Headings' hashes, bold marks and code ticks; single * and _ stay (an address may hold one).
_MARKS = re.compile(r"^\s{0,3}#{1,6}\s*|\*\*|__|`", re.MULTILINE)


def as_plain_text(text: str) -> str:
    """A notice's Markdown as a letter reads it: placeholders filled, marks removed, links spelt out."""
    filled = fill(text, known_values())
    return _MARKS.sub("", _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", filled))


def request_paper_copy(*, actor: Any, kind: str, number: int) -> None:
    """Post a member a paper copy of a version (RIGHT-PAPER): a letter through the outbox, to the
    postal address of their contact choice (held for the office when they have none).

    ``NotFound`` for a version that does not exist; ``Conflict`` when the same copy is already on
    its way.
    """
    if not load_actor(actor).is_member:
        raise Forbidden(_("Sign in as a member to have a copy posted to you."))
    version = NoticeVersion.objects.filter(kind=kind, number=number).first() if 0 < number <= NUMBER_MAX else None
    if version is None:
        raise NotFound(_("No such version."))
    with transaction.atomic():
        waiting = Message.objects.filter(
            member_id=actor.pk,
            kind=PAPER_KIND,
            about_ref=version.ref,
            status__in=[Message.Status.PENDING, Message.Status.SENDING],
        ).exists()
        if waiting:
            raise Conflict(_("A paper copy of this version is already on its way to you."))
        outbox.enqueue(
            member_ids=[actor.pk],
            kind=PAPER_KIND,
            context={
                "kind": version.kind,
                "number": version.number,
                "effective_on": version.effective_on.isoformat(),
                "text_en": as_plain_text(version.body_en),
                "text_fr": as_plain_text(version.body_fr),
                "by_post": True,
            },
            about_ref=version.ref,
            actor_user_id=actor.pk,
        )
        record_event(
            actor=actor,
            action="notice.paper_copy_requested",
            subject_ref=version.ref,
            member_id=actor.pk,
            details={"number": version.number},
        )
