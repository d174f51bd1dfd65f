from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from indicators.demo import load_demo_history
from regions.models import ExportCentre


class Command(BaseCommand):
    help = "A year of demo cases, surveys, activities and tests for every county (never in prod)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Demo history is never loaded in production (DJANGO_ENV=production)."
            )
        if ExportCentre.objects.count() < 21:
            raise CommandError("Load the regions demo data first: manage.py load_demo_data")
        counts = load_demo_history()
        if not counts:
            self.stdout.write("Demo history already loaded; nothing to do.")
            return
        summary = ", ".join(f"{value} {key}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo history loaded: {summary}."))
