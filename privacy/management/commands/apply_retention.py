from __future__ import annotations

from django.core.management.base import BaseCommand

from privacy.services import apply_retention


class Command(BaseCommand):
    help = "Anonymise or delete personal data past its retention period (privacy.policy)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        counts = apply_retention(dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        if not counts:
            self.stdout.write(f"Nothing is past its retention period ({verb} 0 rows).")
        for key, number in sorted(counts.items()):
            self.stdout.write(f"{key}: {verb} {number}")
