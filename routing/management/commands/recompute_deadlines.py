"""Recompute the deadlines of open cases after the holiday data or the deadline policy changed.

``python manage.py recompute_deadlines [--dry-run] [--all]``

Only open cases whose ``calendar_version`` differs from the current one are touched (``--all``
takes every open case). Each change is one "deadline_recomputed" event, from → to. A referred
case's clock starts at its latest referral; ``original_deadline_at`` (the company's promise, used
by the indicator) is only rewritten for cases with no first contact that were never referred.
Escalation levels already reached stay reached: each level happens once per case.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from routing.clock import calendar_version
from routing.deadlines import case_clock_fields
from routing.events import case_event_add
from routing.models import Case, CaseEvent

BATCH = 500
CLOCK_FIELDS = (
    "deadline_at",
    "deadline_trace",
    "calendar_version",
    "reminder_at",
    "national_escalation_at",
)


class Command(BaseCommand):
    help = "Räkna om fristerna för öppna ärenden när helgdagsdata eller fristregel har ändrats."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vad som skulle ändras utan att spara."
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="Alla öppna ärenden, inte bara de med gammal kalender.",
        )

    def handle(self, *args, dry_run: bool = False, all: bool = False, **options):  # noqa: A002
        current = calendar_version()
        last_referral = (
            CaseEvent.objects.filter(case=OuterRef("pk"), kind="referred")
            .values("case")
            .annotate(last=Max("at"))
            .values("last")
        )
        queryset = Case.objects.open().annotate(referred_at=Subquery(last_referral))
        if not all:
            queryset = queryset.exclude(calendar_version=current)
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        examined = changed = 0
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                batch = (
                    queryset.filter(pk__in=ids[start : start + BATCH])
                    .select_for_update(of=("self",))
                    .order_by("pk")
                )
                for case in batch:
                    examined += 1
                    if self._recompute(case, dry_run=dry_run):
                        changed += 1
                if dry_run:
                    transaction.set_rollback(True)
        verb = "skulle ändras" if dry_run else "ändrades"
        self.stdout.write(
            f"{examined} öppna ärenden granskades, {changed} {verb} (kalender: {current})."
        )

    def _recompute(self, case: Case, *, dry_run: bool) -> bool:
        start = case.referred_at or case.created_at
        clock = case_clock_fields(start)
        update = {name: clock[name] for name in CLOCK_FIELDS}
        if case.first_contact_at is None and case.referred_at is None:
            update["original_deadline_at"] = clock["original_deadline_at"]
        before = {name: getattr(case, name) for name in update}
        if before == update:
            return False
        old_deadline = case.deadline_at
        if dry_run:
            self.stdout.write(
                f"{case.reference}: {old_deadline.isoformat()} → "
                f"{update['deadline_at'].isoformat()}"
            )
            return True
        for name, value in update.items():
            setattr(case, name, value)
        case.save(update_fields=[*update, "updated_at"])
        case_event_add(
            case=case,
            kind="deadline_recomputed",
            from_value=timezone.localtime(old_deadline).isoformat(),
            to_value=timezone.localtime(case.deadline_at).isoformat(),
            message=case.deadline_trace,
            data={
                "from_calendar": before["calendar_version"],
                "to_calendar": case.calendar_version,
                "original_deadline_changed": "original_deadline_at" in update
                and before["original_deadline_at"] != update["original_deadline_at"],
            },
        )
        return True
