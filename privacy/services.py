"""Anonymisation, erasure on request and the nightly retention run.

Anonymising keeps what the indicators need – county, actor, office, dates, status, outcome,
topic, the company's size band – and replaces the organisation number by a keyed pseudonym, so a
company is still counted once. Everything that names or describes a person goes: names, e-mail,
phone, the question, notes, mail bodies and free-text survey answers.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from indicators.exports import pseudonym
from indicators.kept_months import kept_months_forget_activities, kept_months_forget_cases
from indicators.models import ActivityParticipant, SurveyResponse
from privacy.models import ErasureRecord
from routing.models import Case, CaseEvent, OutboxMessage, SweepRun

ERASED_EVENT = "personal_data_erased"


def org_number_pseudonym(org_number: str) -> str:
    """ "P" + the panel export's pseudonym: the same company gets the same value everywhere, and
    the pseudonymised panel shows an anonymised company under the id it had before."""
    if org_number.startswith("P"):
        return org_number
    return "P" + pseudonym(org_number)


def months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass
class Counts:
    """Rows touched, by kind; what the dry run reports and the erasure log keeps."""

    values: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, number: int) -> None:
        if number:
            self.values[key] = self.values.get(key, 0) + number


def cases_anonymise(cases, *, now: datetime, event_kind: str = ERASED_EVENT) -> Counts:
    """Remove every personal field and free text of these cases and of what hangs on them.

    Idempotent: already anonymised cases are skipped. The case history records that an erasure
    happened (an event without content), not what was erased."""
    counts = Counts()
    case_ids = list(
        Case.objects.filter(pk__in=[c.pk for c in cases], anonymised_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if not case_ids:
        return counts
    fields = [
        "company_name",
        "contact_name",
        "email",
        "phone",
        "question",
        "org_number",
        "company_user",
        "anonymised_at",
    ]
    with transaction.atomic():
        cases = list(Case.objects.select_for_update().filter(pk__in=case_ids).only("pk", *fields))
        for case in cases:
            case.company_name = case.contact_name = case.email = case.phone = case.question = ""
            case.org_number = org_number_pseudonym(case.org_number)
            case.company_user = None
            case.anonymised_at = now
        Case.objects.bulk_update(cases, fields, batch_size=500)
        # Pseudonyms change distinct-company counts and emptied events change routing quality:
        # the kept figures of these months go with the personal data.
        kept_months_forget_cases(case_ids)
        counts.add("cases", len(case_ids))
        counts.add(
            "events",
            CaseEvent.objects.filter(case_id__in=case_ids)
            .exclude(kind=ERASED_EVENT)
            .update(from_value="", to_value="", message="", data={}),
        )
        counts.add(
            "mail",
            OutboxMessage.objects.filter(case_id__in=case_ids).update(
                to="", body_text="", body_html=""
            ),
        )
        counts.add(
            "survey_comments",
            SurveyResponse.objects.filter(case_id__in=case_ids)
            .exclude(comment="")
            .update(comment=""),
        )
        CaseEvent.objects.bulk_create(
            CaseEvent(case_id=case_id, at=now, kind=event_kind, internal=True)
            for case_id in case_ids
        )
    return counts


def participants_anonymise(participants) -> int:
    """Pseudonymise participants' organisation numbers and drop the company names."""
    rows = list(
        participants.select_related(None)
        .exclude(org_number__startswith="P")
        .only("pk", "org_number", "activity_id")
    )
    for row in rows:
        row.org_number = org_number_pseudonym(row.org_number)
        row.company_name = ""
    with transaction.atomic():
        ActivityParticipant.objects.bulk_update(
            rows, ["org_number", "company_name"], batch_size=500
        )
        kept_months_forget_activities({row.activity_id for row in rows})
    return len(rows)


def apply_retention(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Apply every retention period of ``privacy.policy``; safe to run again (idempotent).

    With ``dry_run`` nothing changes and the counts say what would."""
    now = now or timezone.now()
    counts = Counts()
    old_cases = Case.objects.filter(
        status=Case.Status.CLOSED,
        closed_at__lt=months_before(now, settings.RETENTION_CLOSED_CASES_MONTHS),
        anonymised_at__isnull=True,
    )
    sent_mail = OutboxMessage.objects.filter(
        state=OutboxMessage.State.SENT,
        sent_at__lt=now - timedelta(days=settings.RETENTION_SENT_MAIL_DAYS),
    ).exclude(to="", body_text="", body_html="")
    comments = SurveyResponse.objects.filter(
        answered_at__lt=months_before(now, settings.RETENTION_SURVEY_COMMENTS_MONTHS)
    ).exclude(comment="")
    participants = ActivityParticipant.objects.filter(
        activity__date__lt=months_before(now, settings.RETENTION_ACTIVITY_PARTICIPANTS_MONTHS)
    ).exclude(org_number__startswith="P")
    sweep_runs = SweepRun.objects.filter(
        started_at__lt=now - timedelta(days=settings.RETENTION_SWEEP_RUNS_DAYS)
    )
    sessions = Session.objects.filter(expire_date__lt=now)
    if dry_run:
        counts.add("cases", old_cases.count())
        counts.add("mail", sent_mail.count())
        counts.add("survey_comments", comments.count())
        counts.add("participants", participants.count())
        counts.add("sweep_runs", sweep_runs.count())
        counts.add("sessions", sessions.count())
        return counts.values
    for key, number in cases_anonymise(
        list(old_cases.only("pk")), now=now, event_kind="anonymised_by_retention"
    ).values.items():
        counts.add(key, number)
    counts.add("mail", sent_mail.update(to="", body_text="", body_html=""))
    counts.add("survey_comments", comments.update(comment=""))
    counts.add("participants", participants_anonymise(participants))
    counts.add("sweep_runs", sweep_runs.delete()[0])
    counts.add("sessions", sessions.delete()[0])
    if counts.values:
        ErasureRecord.objects.create(
            kind=ErasureRecord.Kind.RETENTION, at=now, counts=counts.values
        )
    return counts.values


def personal_data_erase(found, *, by, reason: str, now: datetime | None = None) -> dict[str, int]:
    """Erase what a search found (GDPR art. 17): cases anonymised, mail and participants
    stripped, and one log row with who, when, why and how many – not what."""
    now = now or timezone.now()
    with transaction.atomic():
        counts = cases_anonymise(list(found.cases.select_related(None).only("pk")), now=now)
        counts.add("mail", found.mail.update(to="", body_text="", body_html=""))
        counts.add("participants", participants_anonymise(found.participants))
        ErasureRecord.objects.create(
            kind=ErasureRecord.Kind.ERASURE, at=now, by=by, reason=reason, counts=counts.values
        )
    return counts.values
