"""Writing to members: the one room besides ``records`` that opens a member's address.

Other rooms hand over what to say and to whom (a member, by id; or an address they were given,
such as a parent's); this room opens the sealed address, writes in the access log that the
member's contact data was used to write to them (references only, never the address), and sends
with Django's e-mail once the caller's transaction commits. A member whose data was shredded
gets nothing, and nothing is logged for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.mail import send_mail, send_mass_mail
from django.db import transaction

from indigomed.records.queries import names_of
from indigomed.records.sign_in import addresses_of, holder_of
from indigomed.security.services import Access, log_accesses

# What the access log says of a message, as the member reads it on their privacy page.
WRITING_TO_YOU = "writing to you"
WRITING_ABOUT_YOU = "writing for you to someone you named"
MEMBER_NAME = "{member_name}"


def _written_to(member_id: int, *, reason: str, actor_user_id: int | None) -> Access:
    return Access(
        member_id=member_id,
        actor_user_id=actor_user_id,
        recipient_ref=f"member:{member_id}",
        recipient_label="You, by e-mail",
        purpose=WRITING_TO_YOU,
        categories="contact",
        allowed=True,
        rule=f"message:{reason}",
    )


def send_to_member(*, member_id: int, subject: str, body: str, reason: str, actor_user_id: int | None = None) -> None:
    """E-mail one member at their sealed address once the current transaction commits.

    ``reason`` names the message in the access log (``referral``); ``actor_user_id`` is whoever
    caused it, if anyone. Does nothing if the member's data was shredded meanwhile.
    """
    send_to_members(member_ids=[member_id], subject=subject, body=body, reason=reason, actor_user_id=actor_user_id)


def send_to_members(
    *, member_ids: Iterable[int], subject: str, body: str, reason: str, actor_user_id: int | None = None
) -> None:
    """The same message to several members, each at their own sealed address, after commit.

    Each message names one recipient, so no member learns another's address. Members whose data
    was shredded are left out.
    """
    ids = list(member_ids)

    def deliver() -> None:
        addresses = addresses_of(ids)
        if not addresses:
            return
        with transaction.atomic():
            log_accesses(_written_to(m, reason=reason, actor_user_id=actor_user_id) for m in addresses)
        send_mass_mail([(subject, body, None, [address]) for address in addresses.values()], fail_silently=False)

    transaction.on_commit(deliver)


def send_to_address(
    *,
    address: str,
    subject: str,
    body: str,
    reason: str,
    naming_member_id: int | None = None,
    actor_user_id: int | None = None,
) -> None:
    """E-mail an address given in hand (a parent's), after commit.

    With ``naming_member_id``, ``{member_name}`` in the body stands for that member's name as
    given at sign-up, opened here: the only thing of theirs such a message carries. Its use is
    in the member's access log; nothing goes out if their name can no longer be read.
    """

    def deliver() -> None:
        text = body
        if naming_member_id is not None:
            name = names_of([naming_member_id]).get(naming_member_id)
            if name is None:
                return  # the member's data was shredded before the message could go out
            log_accesses(
                [
                    Access(
                        member_id=naming_member_id,
                        actor_user_id=actor_user_id,
                        # The address itself is a value, so the log names only the message.
                        recipient_ref=f"address-given:{reason}",
                        recipient_label="The person whose address you gave us, by e-mail",
                        purpose=WRITING_ABOUT_YOU,
                        categories="contact",
                        allowed=True,
                        rule=f"message:{reason}",
                    )
                ]
            )
            text = body.replace(MEMBER_NAME, name)
        send_mail(subject=subject, message=text, from_email=None, recipient_list=[address])

    transaction.on_commit(deliver)


def write_to_sign_in_address(*, key: str, reason: str, send: Callable[[str], None]) -> bool:
    """Open the address behind a sign-in key (current, or one being changed to) and hand it to
    ``send``, which writes the account holder their own account mail; ``False`` when no account
    has the key or its data was shredded.

    Unlike the messages above this sends at once: allauth calls it at the end of its own flow
    (sign-up, reset, change of address), and the link it mails must reach the person now.
    """
    holder = holder_of(key)
    if holder is None:
        return False
    log_accesses([_written_to(holder.user_id, reason=reason, actor_user_id=None)])
    send(holder.address)
    return True
