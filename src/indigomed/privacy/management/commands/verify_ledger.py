from typing import Any

from django.core.management.base import BaseCommand, CommandError

from indigomed.privacy.ledger_checks import verify


class Command(BaseCommand):
    help = "Recompute every chain of the disclosure ledger and every checkpoint; name the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = verify()
        summary = f"{verdict.entries} entries in {verdict.chains} chains, {verdict.checkpoints} checkpoints"
        if not verdict.ok:
            raise CommandError(f"The ledger is broken: {verdict.problem} ({summary}).")
        self.stdout.write(self.style.SUCCESS(f"The ledger verifies: {summary}."))
