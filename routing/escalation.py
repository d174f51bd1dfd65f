"""The escalation sweep, the nightly audit and the national daily digest.

Exactly once per case and level, however many sweeps race:
- each level's due cases are read through that level's partial index, locked with
  ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL so a concurrent sweep takes other rows;
- an ``EscalationRecord`` (unique per case and level) is inserted with ON CONFLICT DO NOTHING,
  and only rows carrying *this* run's id count as escalated by this run;
- ``escalation_level`` moves by compare-and-set (``level < L``), never backwards.

The number of queries does not depend on the number of due cases: bulk reads and writes, and
one digest e-mail per recipient per run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from regions.links import absolute_reverse
from regions.models import Office, StaffProfile
from routing.clock import STOCKHOLM, staff_notification_time
from routing.clock import _fmt_local as format_local
from routing.models import AWAITING_CONTACT, Case, CaseEvent, EscalationRecord, SweepRun
from routing.outbox import RenderedEmail, email_render, outbox_write

log = logging.getLogger(__name__)

#: Cases escalated per level and run; the next run (a minute later) takes the rest.
BATCH_SIZE = 1000

SWEEP = "sweep"
AUDIT = "audit"
DIGEST = "national_digest"

# Level → the clock column whose partial index (routing.models.Case.Meta.indexes) it reads.
LEVEL_COLUMNS = {
    EscalationRecord.Level.REMINDER: "reminder_at",
    EscalationRecord.Level.COORDINATOR: "deadline_at",
    EscalationRecord.Level.NATIONAL: "national_escalation_at",
}
_FIELDS = (
    "pk",
    "reference",
    "company_name",
    "county_id",
    "office_id",
    "handler_id",
    *LEVEL_COLUMNS.values(),
)


def due_cases(level: int, now: datetime):
    """Open cases awaiting contact (``AWAITING_CONTACT``: no first contact, or referred and not
    yet taken up by the receiving office) that are due for ``level``.

    The filter is exactly the partial index's condition plus ``<column> <= now``, so the planner
    reads only the due rows, however many cases were ever filed.
    """
    column = LEVEL_COLUMNS[level]
    return (
        Case.objects.filter(AWAITING_CONTACT, escalation_level__lt=level, **{f"{column}__lte": now})
        .exclude(status=Case.Status.CLOSED)
        .order_by(column)
    )


@dataclass
class _Digest:
    """What one recipient hears about in one run."""

    reminders: list[dict] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)


def case_url(reference: str) -> str:
    return absolute_reverse("case-detail", reference)


def _prepare_rows(escalated: dict[int, list[dict]]) -> None:
    """Link and local deadline text once per case, not once per case and recipient."""
    template = case_url("REFERENCE")
    for rows in escalated.values():
        for row in rows:
            row["url"] = template.replace("REFERENCE", row["reference"])
            # The clock's own Swedish format (as in the deadline trace): staff mail is Swedish,
            # and locale-aware date filters cost ~0.4 ms a row.
            row["deadline_text"] = format_local(row["deadline_at"])


def escalation_sweep(now: datetime | None = None, *, batch_size: int = BATCH_SIZE) -> SweepRun:
    """Run one sweep at ``now``: escalate due cases, queue one digest per recipient.

    The run is recorded in ``SweepRun`` (outside the work's transaction, so a failed sweep
    still leaves its trace with the error).
    """
    now = now or timezone.now()
    run = SweepRun.objects.create(kind=SWEEP, started_at=timezone.now())
    try:
        with transaction.atomic():
            counts, digests = _escalate(run, now, batch_size)
            notifications = _queue_digests(digests, now)
    except Exception as exc:
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["error", "finished_at"])
        log.exception("Escalation sweep %s failed", run.pk)
        raise
    run.reminders = counts[EscalationRecord.Level.REMINDER]
    run.overdue = counts[EscalationRecord.Level.COORDINATOR]
    run.national = counts[EscalationRecord.Level.NATIONAL]
    run.notifications = notifications
    run.finished_at = timezone.now()
    run.save(update_fields=["reminders", "overdue", "national", "notifications", "finished_at"])
    return run


def _escalate(run: SweepRun, now: datetime, batch_size: int):
    counts: dict[int, int] = {}
    escalated: dict[int, list[dict]] = {}
    skip_locked = connection.features.has_select_for_update_skip_locked
    for level in LEVEL_COLUMNS:
        queryset = due_cases(level, now)
        if skip_locked:
            # Rows another sweep holds are its business; we take the rest.
            queryset = queryset.select_for_update(skip_locked=True)
        column = LEVEL_COLUMNS[level]
        rows = list(queryset.values(*_FIELDS)[:batch_size])
        if not rows:
            counts[level], escalated[level] = 0, []
            continue
        # Keyed by the clock's due time: racing sweeps collide on it, a referral's new clock
        # does not collide with the first office's escalations.
        EscalationRecord.objects.bulk_create(
            [
                EscalationRecord(
                    case_id=row["pk"], level=level, due_at=row[column], created_at=now, sweep=run
                )
                for row in rows
            ],
            ignore_conflicts=True,
        )
        # Only the records this run inserted count: a conflicting (earlier) record is not ours.
        mine = set(
            EscalationRecord.objects.filter(sweep=run, level=level).values_list(
                "case_id", flat=True
            )
        )
        rows = [row for row in rows if row["pk"] in mine]
        Case.objects.filter(pk__in=mine, escalation_level__lt=level).update(escalation_level=level)
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_id=row["pk"],
                    at=now,
                    kind="escalated",
                    from_value=str(level - 1),
                    to_value=str(level),
                    data={"level": level, "sweep": run.pk},
                )
                for row in rows
            ]
        )
        counts[level], escalated[level] = len(rows), rows
    return counts, _collect_recipients(escalated, now)


def _collect_recipients(escalated: dict[int, list[dict]], now: datetime) -> dict[str, _Digest]:
    """Level 1 → the handler and the office; level 2 → the county's coordinators.

    Level 3 is not mailed per run: national staff get one daily digest (``national_digest``).
    A reminder for a case that is already overdue is not sent; the overdue notice covers it.
    """
    digests: dict[str, _Digest] = defaultdict(_Digest)
    _prepare_rows(escalated)
    reminders = [r for r in escalated[EscalationRecord.Level.REMINDER] if r["deadline_at"] > now]
    overdue = escalated[EscalationRecord.Level.COORDINATOR]

    handler_ids = {r["handler_id"] for r in reminders if r["handler_id"]}
    office_ids = {r["office_id"] for r in reminders if r["office_id"]}
    # A deactivated handler's mailbox is nobody's: the office address still gets the reminder.
    handler_emails = (
        dict(
            StaffProfile.objects.filter(user_id__in=handler_ids, user__is_active=True).values_list(
                "user_id", "user__email"
            )
        )
        if handler_ids
        else {}
    )
    office_emails = (
        dict(Office.objects.filter(pk__in=office_ids).exclude(email="").values_list("pk", "email"))
        if office_ids
        else {}
    )
    for row in reminders:
        for address in {handler_emails.get(row["handler_id"]), office_emails.get(row["office_id"])}:
            if address:
                digests[address].reminders.append(row)

    county_ids = {r["county_id"] for r in overdue}
    if county_ids:
        coordinators: dict[str, set[str]] = defaultdict(set)
        for county_id, email in StaffProfile.objects.filter(
            role=StaffProfile.Role.COORDINATOR, county_id__in=county_ids, user__is_active=True
        ).values_list("county_id", "user__email"):
            if email:
                coordinators[county_id].add(email)
        for row in overdue:
            for address in coordinators.get(row["county_id"], ()):
                digests[address].overdue.append(row)
    return digests


def _queue_digests(digests: dict[str, _Digest], now: datetime) -> int:
    """One outbox row per recipient, held until working hours, in the sweep's transaction."""
    if not digests:
        return 0
    # Recipients who hear about the same cases (a county's coordinators; an office and its only
    # handler) get the same e-mail: render it once. Rendering is most of a large sweep's time.
    rendered: dict[tuple, RenderedEmail] = {}
    messages = []
    for address, digest in sorted(digests.items()):
        cases = (
            tuple(row["pk"] for row in digest.reminders),
            tuple(row["pk"] for row in digest.overdue),
        )
        if cases not in rendered:
            rendered[cases] = email_render(
                "routing/email/staff_digest",
                {"reminders": digest.reminders, "overdue": digest.overdue, "now": now},
                language="sv",
            )
        messages.append((address, rendered[cases]))
    created = outbox_write(messages, language="sv", kind="staff_digest", now=now, staff=True)
    return len(created)


# --------------------------------------------------------------------------- national digest


def national_digest(now: datetime | None = None) -> SweepRun | None:
    """Once per working day, from 08:00: one e-mail per national staff member listing the cases
    that reached level 3 since the previous digest. Returns the run, or None if not due.
    """
    now = now or timezone.now()
    if staff_notification_time(now) > now:
        return None  # outside working hours: the digest waits for the morning
    today_start = timezone.make_aware(
        datetime.combine(now.astimezone(STOCKHOLM).date(), datetime.min.time()), STOCKHOLM
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Serialise digest runs so two beat processes cannot both send today's digest.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [4_242_003])
        if SweepRun.objects.filter(kind=DIGEST, started_at__gte=today_start).exists():
            return None
        previous = SweepRun.objects.filter(kind=DIGEST).order_by("-started_at").first()
        records = EscalationRecord.objects.filter(
            level=EscalationRecord.Level.NATIONAL, created_at__lte=now
        )
        if previous:
            records = records.filter(created_at__gt=previous.started_at)
        cases = list(
            Case.objects.filter(Exists(records.filter(case=OuterRef("pk"))), AWAITING_CONTACT)
            .exclude(status=Case.Status.CLOSED)
            .select_related("county", "office")
            .order_by("county_id", "deadline_at")
        )
        run = SweepRun.objects.create(kind=DIGEST, started_at=now, national=len(cases))
        recipients = sorted(
            set(
                StaffProfile.objects.filter(
                    role=StaffProfile.Role.NATIONAL, user__is_active=True
                ).values_list("user__email", flat=True)
            )
            - {""}
        )
        messages = []
        if cases:
            context = {
                "cases": [{"case": case, "url": case_url(case.reference)} for case in cases],
                "now": now,
                "overview_url": absolute_reverse("national-overdue"),
            }
            email = email_render("routing/email/staff_national_digest", context, language="sv")
            messages = outbox_write(
                [(address, email) for address in recipients],
                language="sv",
                kind="national_digest",
                now=now,
            )
        run.notifications = len(messages)
        run.finished_at = timezone.now()
        run.save(update_fields=["notifications", "finished_at"])
    return run


# --------------------------------------------------------------------------- audit


def missing_escalations(now: datetime, *, grace: timedelta | None = None):
    """Per level, the open cases awaiting contact past that level's time (by more than
    ``grace``) that neither reached the level nor have its record for the current clock.
    Grace covers the minute between a case falling due and the next sweep."""
    grace = settings.SWEEP_STALE_AFTER if grace is None else grace
    result = {}
    for level, column in LEVEL_COLUMNS.items():
        this_clocks_record = EscalationRecord.objects.filter(
            case=OuterRef("pk"), level=level, due_at=OuterRef(column)
        )
        result[level] = (
            Case.objects.filter(
                AWAITING_CONTACT, escalation_level__lt=level, **{f"{column}__lte": now - grace}
            )
            .exclude(status=Case.Status.CLOSED)
            .filter(~Exists(this_clocks_record))
            .order_by(column)
        )
    return result


def escalation_audit(now: datetime | None = None) -> SweepRun:
    """Nightly: report any open case past a level's time without that level's record."""
    now = now or timezone.now()
    run = SweepRun.objects.create(kind=AUDIT, started_at=timezone.now())
    missing = missing_escalations(now)
    counts = {level: queryset.count() for level, queryset in missing.items()}
    lines = []
    for level, queryset in missing.items():
        if counts[level]:
            references = list(queryset.values_list("reference", flat=True)[:50])
            lines.append(f"level {level}: {counts[level]} ({', '.join(references)})")
    run.reminders = counts[EscalationRecord.Level.REMINDER]
    run.overdue = counts[EscalationRecord.Level.COORDINATOR]
    run.national = counts[EscalationRecord.Level.NATIONAL]
    run.error = "; ".join(lines)
    run.finished_at = timezone.now()
    run.save(update_fields=["reminders", "overdue", "national", "error", "finished_at"])
    if lines:
        log.warning("Escalation audit found cases without their escalation: %s", run.error)
    return run


# --------------------------------------------------------------------------- watch the watcher


@dataclass(frozen=True)
class SweepHealth:
    last: SweepRun | None
    age: timedelta | None
    stale: bool
    last_audit: SweepRun | None

    @property
    def audit_problems(self) -> int:
        if self.last_audit is None:
            return 0
        a = self.last_audit
        return a.reminders + a.overdue + a.national


def sweep_health(now: datetime | None = None) -> SweepHealth:
    """The last sweep and whether it is stale (older than ``settings.SWEEP_STALE_AFTER``).

    A sweep that never ran is stale too: the watcher is not watching.
    """
    now = now or timezone.now()
    last = SweepRun.objects.filter(kind=SWEEP).order_by("-started_at").first()
    last_audit = SweepRun.objects.filter(kind=AUDIT).order_by("-started_at").first()
    if last is None:
        return SweepHealth(last=None, age=None, stale=True, last_audit=last_audit)
    age = now - (last.finished_at or last.started_at)
    stale = age > settings.SWEEP_STALE_AFTER or bool(last.error)
    return SweepHealth(last=last, age=age, stale=stale, last_audit=last_audit)
