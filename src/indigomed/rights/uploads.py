"""Scanned letters the privacy office enters for a member: checked before anything is kept.

The type is read from the file's first bytes, never from its name or the browser's word for it:
a PDF, PNG or JPEG is accepted, anything else (an executable renamed ``letter.pdf``, an HTML page)
is refused, as is a file larger than ``SCANNED_LETTER_MAX_BYTES`` or an empty one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext

from indigomed.conf import product_setting
from indigomed.errors import Invalid

# Magic numbers: what each accepted kind of file starts with.
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


@dataclass(frozen=True)
class Scan:
    content: bytes
    content_type: str


def max_scan_bytes() -> int:
    return int(product_setting("SCANNED_LETTER_MAX_BYTES"))


def checked_scan(upload: IO[bytes]) -> Scan:
    """The scan's bytes and type; ``Invalid`` (on the ``scan`` field) for an empty, oversized or
    unknown file. Reads at most one byte more than the limit."""
    limit = max_scan_bytes()
    content = upload.read(limit + 1)
    if not content:
        raise Invalid(gettext("The scanned letter is empty: attach the PDF, PNG or JPEG of the letter."), field="scan")
    if len(content) > limit:
        raise Invalid(
            gettext("The scanned letter is larger than %(limit)s MB: scan it at a lower resolution.")
            % {"limit": limit // (1024 * 1024)},
            field="scan",
        )
    for magic, content_type in _SIGNATURES:
        if content.startswith(magic):
            return Scan(content, content_type)
    raise Invalid(gettext("A scanned letter must be a PDF, PNG or JPEG file; this one is none of them."), field="scan")
