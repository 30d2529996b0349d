"""Members' records as FHIR R4 bundles, streamed as NDJSON (one bundle per line), in flat memory.

Members are read in batches through the privacy room's door (``records_for_export``: every item
decided for the recipient and purpose, logged, its first receipt ledgered, in one transaction per
batch), mapped, checked against the FHIR models and written out one line at a time: memory holds one
batch, whatever the number of members. The directory entries bookings name (practitioners,
facilities, carriers) are public and loaded once for the whole export.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import transaction
from django.utils import timezone

from indigomed.interop import fhir, validation
from indigomed.interop.fhir import Left
from indigomed.interop.sources import Directory, bookings_of
from indigomed.privacy.decisions import Recipient
from indigomed.privacy.exports import records_for_export

BATCH = 250
REFUSED = {
    "profile": "The member's contact and demographic data: not to this recipient for this purpose.",
    "coverage": "Some of the member's health plans: not to this recipient for this purpose.",
    "booking": "Some of the member's bookings: not to this recipient for this purpose.",
    "visit": "Some of the member's visits: not to this recipient for this purpose.",
}


@dataclass
class ExportCount:
    """What an export wrote so far: members, resources and bytes."""

    members: int = 0
    resources: int = 0
    bytes: int = 0


def _batches(member_ids: Iterable[int], size: int) -> Iterator[list[int]]:
    it = iter(member_ids)
    while chunk := list(islice(it, size)):
        yield chunk


def stream_bundles(
    *,
    member_ids: Iterable[int],
    recipient: Recipient,
    purpose: str,
    actor_user_id: int | None,
    batch: int = BATCH,
    validate: bool = True,
    count: ExportCount | None = None,
    export_id: uuid.UUID | None = None,
    at: dt.datetime | None = None,
) -> Iterator[bytes]:
    """One NDJSON line (a FHIR R4 ``collection`` bundle, UTF-8, ending in a newline) per member the
    recipient may receive anything of; what was refused is named in the bundle's OperationOutcome.

    ``validate`` checks each bundle against the FHIR models (on by default; a benchmark turns it off to
    measure what it costs). ``count``, if given, is kept up to date as lines are written. Raises
    ``PolicyError`` for an unknown purpose or kind of recipient before anything is read.
    """
    export_id = export_id or uuid.uuid4()
    at = at or timezone.now()
    directory = Directory()
    validator = validation.Validator()
    for chunk in _batches(member_ids, batch):
        bookings = bookings_of(chunk)
        with transaction.atomic():
            records = records_for_export(
                member_ids=chunk,
                appointments={m: [b.public_id for b in rows] for m, rows in bookings.items()},
                recipient=recipient,
                purpose=purpose,
                actor_user_id=actor_user_id,
            )
        directory.load(
            practitioner_ids={b.practitioner_id for rows in bookings.values() for b in rows},
            facility_ids={b.facility_id for rows in bookings.values() for b in rows},
            plan_slugs={d.plan_slug for r in records for d in r.bookings.values() if d.plan_slug},
        )
        for record in records:
            kept = [b for b in bookings.get(record.member_id, ()) if b.public_id in record.bookings]
            bundle = fhir.build_bundle(
                record=record,
                bookings=kept,
                directory=directory,
                withheld=frozenset(),
                left_out=[Left(REFUSED[what]) for what in sorted(record.refused)],
                copy_id=uuid.uuid5(export_id, str(record.public_id)),
                at=at,
            )
            if validate:
                validator.validate(bundle)
            line = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
            if count is not None:
                count.members += 1
                count.resources += fhir.resource_count(bundle)
                count.bytes += len(line)
            yield line
