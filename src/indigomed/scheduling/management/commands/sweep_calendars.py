from typing import Any

from django.core.management.base import BaseCommand

from indigomed.scheduling.opening_hours import sweep_calendars


class Command(BaseCommand):
    help = "Extend every calendar to the slot horizon and refresh next open times (run daily, or by `worker`)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = sweep_calendars()
        self.stdout.write(f"Calendars swept: {created} new slots.")
