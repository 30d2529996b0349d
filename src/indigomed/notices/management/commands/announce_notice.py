from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from indigomed.notices.services import announce_pending


class Command(BaseCommand):
    help = (
        "Tell every member of a new privacy-notice version, in batches (each its own transaction), "
        "through the outbox. The worker does this too; this runs it once, now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="members per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            self.stderr.write("--batch must be at least 1.")
            raise SystemExit(2)
        told = announce_pending(batch=options["batch"])
        self.stdout.write(f"{told} members told of a new notice version.")
