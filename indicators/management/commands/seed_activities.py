from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Bulk activity participations for the dashboard benchmark (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--participations", type=int, default=200_000)
        parser.add_argument(
            "--clear", action="store_true", help="Delete earlier benchmark activities first."
        )

    def handle(self, *args, **options):
        from indicators.demo import BENCH_TITLE, seed_participations
        from indicators.models import Activity

        if settings.PRODUCTION:
            raise CommandError("Benchmark data is never seeded in production.")
        if options["clear"]:
            Activity.objects.filter(title=BENCH_TITLE).delete()
        made = seed_participations(total=options["participations"])
        self.stdout.write(self.style.SUCCESS(f"{made} participations seeded."))
