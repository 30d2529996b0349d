from typing import Any

from django.core.management.base import BaseCommand

from indigomed.records.keys import key_ring
from indigomed.records.services import rotate_keys


class Command(BaseCommand):
    help = (
        "Re-wrap every member's data key under the current key-encryption key (the first of "
        "INDIGOMED_KEKS). Reads go on meanwhile; remove the old key from INDIGOMED_KEKS afterwards."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        moved = rotate_keys()
        self.stdout.write(f"{moved} data keys now wrapped by {key_ring().current_id!r}.")
