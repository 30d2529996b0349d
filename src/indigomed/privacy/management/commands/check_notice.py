from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from indigomed.privacy.policy import current_policy


class Command(BaseCommand):
    help = (
        "Compare the notice's settings (deadlines, look-backs, ages) with each jurisdiction's floor, and the "
        "published notice's text with the policy file."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        policy = current_policy()
        shortfalls = policy.shortfalls()
        self.stdout.write(f"Policy {policy.version}, notice effective {policy.notice['effective']}.")
        if not shortfalls:
            self.stdout.write(self.style.SUCCESS("The notice meets every jurisdiction's floor."))
        else:
            self.stdout.write(f"{len(shortfalls)} shortfalls (the law's floor applies to members there):")
            for line in shortfalls:
                self.stdout.write(f"  - {line}")
        # The published text lives in a room above this one (notices): settings name its check.
        check = getattr(settings, "NOTICE_TEXT_CHECK", "")
        if not check:
            return
        problems = import_string(check)(policy)
        if not problems:
            self.stdout.write(
                self.style.SUCCESS("The published notice states no number the policy file does not hold.")
            )
            return
        for line in problems:
            self.stdout.write(f"  - {line}")
        raise CommandError(f"{len(problems)} problems in the published notice's text: page and enforcement disagree.")
