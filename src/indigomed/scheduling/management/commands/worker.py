import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from indigomed.accounts.takeover import invite_of_age
from indigomed.messaging.delivery import deliver_until_idle, worker_name
from indigomed.notices.services import announce_pending
from indigomed.privacy.ledger_checks import take_checkpoint
from indigomed.rights.shredding import shred_when_told
from indigomed.rights.sweeps import remind_officers
from indigomed.scheduling.limits import forget_ended_counts
from indigomed.scheduling.opening_hours import sweep_calendars
from indigomed.traffic.sweeps import purge_traffic


class Command(BaseCommand):
    help = (
        "Deliver the outbox's messages and run the periodic sweeps (calendars, ledger checkpoints, request "
        "deadlines) until "
        "stopped. Several workers may run at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=int, default=3600, help="seconds between sweeps")
        parser.add_argument("--poll", type=float, default=2.0, help="seconds between looks at the outbox")
        parser.add_argument("--once", action="store_true", help="sweep once, deliver what is due, and exit")
        parser.add_argument("--messages-only", action="store_true", help="deliver messages, no sweeps")
        parser.add_argument("--until-idle", action="store_true", help="exit once no message is due")

    def handle(self, *args: Any, **options: Any) -> None:
        name = worker_name()
        next_sweep = 0.0
        while True:
            close_old_connections()
            if not options["messages_only"] and time.monotonic() >= next_sweep:
                created = sweep_calendars()
                checkpoint = take_checkpoint()
                self.stdout.write(f"Calendars swept: {created} new slots. Ledger checkpoint {checkpoint.pk}.")
                reminded = remind_officers()
                self.stdout.write(f"Requests desk: {reminded} deadline reminders to the privacy office.")
                purged = purge_traffic()
                self.stdout.write(f"Traffic data: {purged.page_views} page views past the window deleted.")
                invited = invite_of_age()
                self.stdout.write(f"Dependents: {invited} invited to take over their account.")
                shredded = shred_when_told()
                self.stdout.write(f"Closed accounts: {shredded} shredded.")
                ended = forget_ended_counts()
                self.stdout.write(f"Booking and hold rates: {ended} counts of ended windows deleted.")
                next_sweep = time.monotonic() + options["interval"]
            # A new notice version is told to members in batches, each its own transaction (NOTICE-1).
            told = announce_pending()
            if told:
                self.stdout.write(f"Notice: {told} members told of a new version.")
            # Reminders are rows due in the future: delivering what is due is their sweep.
            tally = deliver_until_idle(worker=name)
            if tally.handled:
                self.stdout.write(
                    f"Messages: {tally.sent} sent, {tally.failed} to retry, {tally.held} held, "
                    f"{tally.withdrawn} withdrawn."
                )
            if options["once"] or (options["until_idle"] and not tally.handled):
                return
            time.sleep(options["poll"])
