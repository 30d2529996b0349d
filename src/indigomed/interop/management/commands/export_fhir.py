"""Every member's records as FHIR R4 bundles, NDJSON, to a file or standard output, for one recipient
and purpose the policy file grants (each item decided, logged and ledgered through the privacy door)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indigomed.accounts.models import Member
from indigomed.errors import PolicyError
from indigomed.interop.export import ExportCount, stream_bundles
from indigomed.privacy.decisions import Recipient


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--recipient", required=True, help="Who receives, as kind:key, such as staff:support")
        parser.add_argument("--label", required=True, help="The recipient's name, as the ledger will show it")
        parser.add_argument("--purpose", required=True, help="A purpose of the policy file, such as operations")
        parser.add_argument("--out", default="-", help="A file to write; - for standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, _, key = str(options["recipient"]).partition(":")
        if not kind or not key:
            raise CommandError("Name the recipient as kind:key, such as staff:support.")
        recipient = Recipient(kind, f"{kind}:{key}", options["label"])
        members = list(Member.objects.order_by("user_id").values_list("user_id", flat=True))
        count = ExportCount()
        out = sys.stdout.buffer if options["out"] == "-" else open(options["out"], "wb")  # noqa: SIM115
        try:
            for line in stream_bundles(
                member_ids=members, recipient=recipient, purpose=options["purpose"], actor_user_id=None, count=count
            ):
                out.write(line)
        except PolicyError as exc:
            raise CommandError(exc.message) from exc
        finally:
            if out is not sys.stdout.buffer:
                out.close()
        self.stderr.write(f"{count.members} bundles, {count.resources} resources, {count.bytes} bytes")
