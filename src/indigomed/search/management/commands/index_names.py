"""``python -m indigomed index_names``: rebuild the practitioners' name index after a bulk load."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from indigomed.search.names import index_names


class Command(BaseCommand):
    help = "Rebuild the index search finds practitioners' names by (after loads that bypass save())."

    def handle(self, *args: Any, **options: Any) -> None:
        written = index_names()
        self.stdout.write(f"{written} name terms written.")
