from typing import Any

from django.core.management.base import BaseCommand

from indigomed.traffic.sweeps import purge_traffic


class Command(BaseCommand):
    help = "Delete traffic data older than the policy file's window, and the day keys of past days."

    def handle(self, *args: Any, **options: Any) -> None:
        done = purge_traffic()
        self.stdout.write(
            f"Traffic data: {done.page_views} page views from before {done.before:%Y-%m-%d} deleted, "
            f"{done.keys} past day keys deleted."
        )
