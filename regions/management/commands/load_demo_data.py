from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from regions.demo import DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Load the fictional demo partnership and staff logins (never in production)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo logins."
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production (DJANGO_ENV=production).")
        logins = load_demo_data()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(logins)} logins."))
        if options["quiet_logins"]:
            return
        shown = [
            login
            for login in logins
            if login.role in {"national", "admin"}
            or "skane" in login.email
            or "dalarna" in login.email
            or login.email.startswith("ekn.ekn")
        ]
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in shown:
            self.stdout.write(f"  {login.role:<12} {login.email:<50} {login.where}")
        self.stdout.write(
            "  … and one coordinator and handlers per county: "
            "samordnare.<län>@…, almi.<län>@…, region.<län>@…, "
            "businesssweden.<län>@…, een.<län>@…"
        )
