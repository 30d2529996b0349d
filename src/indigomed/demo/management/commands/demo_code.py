from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indigomed.demo.second_factor import current_code


class Command(BaseCommand):
    help = "The authenticator code a demo staff account needs now to sign in (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the demo account's sign-in address, e.g. doctor@demo.indigomed.test")

    def handle(self, *args: Any, **options: Any) -> None:
        found = current_code(options["email"].strip().lower())
        if found is None:
            raise CommandError("That address has no demo authenticator app (members need none).")
        code, seconds = found
        self.stdout.write(f"{code}  (valid for {seconds} more seconds, and once)")
