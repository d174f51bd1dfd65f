"""Operator tool: show the first-contact deadline for a given submission time.

Lets coordinators and support check a disputed deadline without opening a case:
``python manage.py deadline --submitted 2026-12-23T15:00 [--policy calendar_24h] [--trace]``.
"""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from routing.clock import POLICIES, STOCKHOLM, compute_deadline


def parse_submitted(value: str) -> datetime:
    """ISO 8601; a naive time is Stockholm local time, an offset or "Z" is honoured."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise CommandError(
            f"Ogiltig tidpunkt {value!r}: ange ISO 8601, t.ex. 2026-12-23T15:00 "
            "(Stockholmstid) eller 2026-12-23T14:00Z."
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=STOCKHOLM)
    return parsed


class Command(BaseCommand):
    help = "Visa när första kontakt senast ska ske för en fråga som inkom vid en viss tidpunkt."

    def add_arguments(self, parser):
        parser.add_argument(
            "--submitted",
            required=True,
            help="När frågan inkom, ISO 8601 (utan offset = Stockholmstid).",
        )
        parser.add_argument(
            "--policy",
            choices=POLICIES,
            default=None,
            help="Fristregel; standard är settings.DEADLINE_POLICY (working_day).",
        )
        parser.add_argument(
            "--trace", action="store_true", help="Visa också hur fristen räknades fram."
        )

    def handle(self, *args, **options):
        submitted = parse_submitted(options["submitted"])
        try:
            deadline = compute_deadline(submitted, policy=options["policy"])
        except ValueError as exc:  # e.g. an unknown DEADLINE_POLICY in settings
            raise CommandError(str(exc)) from exc
        self.stdout.write(deadline.due_at.astimezone(STOCKHOLM).isoformat())
        if options["trace"]:
            self.stdout.write(deadline.trace)
            self.stdout.write(deadline.calendar_version)
