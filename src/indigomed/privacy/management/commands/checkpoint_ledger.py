from typing import Any

from django.core.management.base import BaseCommand

from indigomed.privacy.ledger_checks import take_checkpoint


class Command(BaseCommand):
    help = "Record a checkpoint over every chain head of the disclosure ledger (run periodically)."

    def handle(self, *args: Any, **options: Any) -> None:
        checkpoint = take_checkpoint()
        self.stdout.write(f"Checkpoint {checkpoint.pk}: {checkpoint.chains} chains, {checkpoint.entries} entries.")
