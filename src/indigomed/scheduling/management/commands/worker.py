import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from indigomed.privacy.ledger import take_checkpoint
from indigomed.scheduling.services import sweep_calendars


class Command(BaseCommand):
    help = "Run the periodic sweeps (calendars, ledger checkpoints) until stopped. Several workers may run at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=int, default=3600, help="seconds between sweeps")
        parser.add_argument("--once", action="store_true", help="sweep once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            close_old_connections()
            created = sweep_calendars()
            checkpoint = take_checkpoint()
            self.stdout.write(f"Calendars swept: {created} new slots. Ledger checkpoint {checkpoint.pk}.")
            if options["once"]:
                return
            time.sleep(options["interval"])
