"""The demo's notice and Terms of Use: version 1 (older) and version 2 (current) of each, so past
versions, the PDF, the paper copy and the question after sign-in all have something to show."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from indigomed.accounts.models import Member, User
from indigomed.notices.models import NoticeAcknowledgement, NoticeQuestion, NoticeVersion
from indigomed.notices.services import publish_notice_version

DATA = Path(__file__).resolve().parent.parent / "notices" / "data"
# Version 2 added these sections; version 1 is the same text without them.
ADDED_IN_2 = {"privacy": ("14.", "13."), "terms": ("6.",)}
CHANGES = {
    "privacy": (
        "- New section 14: links to other sites, and what applies there.\n"
        "- Section 13: tell us when your contact details are lost or stolen, and what we then do.\n"
        "- Section 3: a paper copy of any version can now be posted to you.",
        "- Nouvelle section 14 : les liens vers d'autres sites, et ce qui s'y applique.\n"
        "- Section 13 : prévenez-nous si vos coordonnées sont perdues ou volées, et ce que nous faisons alors.\n"
        "- Section 3 : une copie papier de n'importe quelle version peut désormais vous être envoyée par courrier.",
    ),
    "terms": (
        "- New section 6: links to other sites.",
        "- Nouvelle section 6 : les liens vers d'autres sites.",
    ),
}


def _text(kind: str, language: str) -> str:
    return (DATA / f"{kind}.{language}.md").read_text(encoding="utf-8")


def _without(text: str, sections: tuple[str, ...]) -> str:
    """The text without the sections whose heading starts with one of these numbers."""
    parts = re.split(r"(?m)^(?=## )", text)
    return "".join(p for p in parts if not any(p.startswith(f"## {n}") for n in sections))


def seed_notices(*, officer: User, member_email: str) -> None:
    """Publish versions 1 and 2 of the notice and the Terms. Every demo member accepted version 1
    at sign-up and was told of version 2; the others are asked about it when they sign in, while
    the demo member (``member_email``) was asked already: their notice page offers what changed."""
    for kind in ("privacy", "terms"):
        en, fr = _text(kind, "en"), _text(kind, "fr")
        publish_notice_version(
            actor=officer,
            kind=kind,
            effective_on=dt.date(2026, 3, 1),
            body_en=_without(en, ADDED_IN_2[kind]),
            body_fr=_without(fr, ADDED_IN_2[kind]),
        )
        changes_en, changes_fr = CHANGES[kind]
        publish_notice_version(
            actor=officer,
            kind=kind,
            effective_on=dt.date(2026, 11, 1),
            body_en=en,
            body_fr=fr,
            changes_en=changes_en,
            changes_fr=changes_fr,
        )
    first = list(NoticeVersion.objects.filter(number=1))
    NoticeAcknowledgement.objects.bulk_create(
        NoticeAcknowledgement(user_id=user_id, version=version, how=NoticeAcknowledgement.How.SIGN_UP)
        for user_id in Member.objects.values_list("user_id", flat=True)
        for version in first
    )
    member = User.objects.get_by_natural_key(member_email)
    NoticeQuestion.objects.create(user=member, version=NoticeVersion.objects.get(kind="privacy", number=2))
