from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "A demo stepped-wedge experiment over the demo history (never in production)."

    def handle(self, *args, **options):
        from evaluation.demo import load_demo_experiment

        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production (DJANGO_ENV=production).")
        experiment = load_demo_experiment()
        if experiment is None:
            self.stdout.write("Demo experiment exists already or no national user; nothing to do.")
            return
        self.stdout.write(self.style.SUCCESS(f"Demo experiment created: {experiment.name}."))
