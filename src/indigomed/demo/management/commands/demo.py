import os
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from indigomed.demo.second_factor import DEMO_TOTP_SECRET
from indigomed.demo.seed import DEMO_LOGINS
from indigomed.demo.serving import DEFAULT_PORT, check_port_free, parse_address


class Command(BaseCommand):
    help = "Run the platform on the embedded database with demo data: migrate, seed, serve, and a worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default=f"127.0.0.1:{os.environ.get('PORT') or DEFAULT_PORT}")
        parser.add_argument("--no-worker", action="store_true", help="serve without the message worker")

    def handle(self, *args: Any, **options: Any) -> None:
        host, _, port = options["addrport"].rpartition(":")
        # Before migrating and seeding, which take a while: a taken port is said at once.
        check_port_free(*parse_address(options["addrport"]))
        if not os.environ.get("SITE_URL"):
            # Links in the demo's messages point where it is served, not at the default port.
            settings.SITE_URL = f"http://{host or '127.0.0.1'}:{port}"
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"IndigoMed is running at http://{host or '127.0.0.1'}:{port}/"))
        self.stdout.write(f"  API docs:   http://{host or '127.0.0.1'}:{port}/api/docs")
        self.stdout.write("  Demo sign-ins (synthetic accounts):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"    {login.role:32} {login.email:34} {login.password}")
        self.stdout.write("  Staff sign-ins then ask for an authenticator code (second factor):")
        self.stdout.write("    python -m indigomed demo_code doctor@demo.indigomed.test   (prints the current code)")
        self.stdout.write(f"    or add the secret {DEMO_TOTP_SECRET} to any authenticator app.")
        self.stdout.write("  E-mail (sign-up verification links, confirmations, reminders) is printed here.")
        self.stdout.write(f"  Text messages land in {settings.MESSAGES_DIR / 'sms'}/")
        self.stdout.write(f"  Letters (PDF and mailing record) land in {settings.MESSAGES_DIR / 'letters'}/\n")
        # The worker delivers reminders when they fall due and retries what failed (the web process
        # itself tries each message right after it is written). On the embedded database it runs
        # in this process, on a thread that ends with it, however the server stops.
        if not options["no_worker"]:
            threading.Thread(target=call_command, args=("worker", "--poll", "5"), name="worker", daemon=True).start()
        call_command("runserver", options["addrport"], use_reloader=False)
