from typing import Any

from django.core.management.base import BaseCommand

from indigomed.privacy.policy import current_policy


class Command(BaseCommand):
    help = "Compare the notice's settings (deadlines, look-backs, ages) with each jurisdiction's floor."

    def handle(self, *args: Any, **options: Any) -> None:
        policy = current_policy()
        shortfalls = policy.shortfalls()
        self.stdout.write(f"Policy {policy.version}, notice effective {policy.notice['effective']}.")
        if not shortfalls:
            self.stdout.write(self.style.SUCCESS("The notice meets every jurisdiction's floor."))
            return
        self.stdout.write(f"{len(shortfalls)} shortfalls (the law's floor applies to members there):")
        for line in shortfalls:
            self.stdout.write(f"  - {line}")
