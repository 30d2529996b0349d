from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from indigomed.demo.seed import is_seeded, seed_all


class Command(BaseCommand):
    help = "Load the synthetic demo world (directory, calendars, demo sign-ins) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practitioners", type=int, default=400)

    def handle(self, *args: Any, **options: Any) -> None:
        if is_seeded():
            self.stdout.write("Demo data is already loaded.")
            return
        slots = seed_all(practitioners=options["practitioners"])
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded: {options['practitioners']} practitioners, {slots} open slots.")
        )
