"""The clock columns a case carries, so the escalation sweep only compares indexed timestamps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays
from django.db.models import Q
from django.utils import translation

from routing.clock import (
    HOLIDAY_CATEGORIES,
    STOCKHOLM,
    add_working_time,
    compute_deadline,
    is_working_day,
)
from routing.models import AWAITING_CONTACT, Case

# Level 1 fires when 75 % of the 24 working hours have run without first contact.
REMINDER_AFTER = timedelta(hours=18)
# Level 3 fires one further working day after the deadline.
NATIONAL_AFTER_DEADLINE = timedelta(hours=24)


def case_clock_fields(submitted_at: datetime, *, policy: str | None = None) -> dict:
    """Deadline, its trace and calendar version, and the escalation times for a new case."""
    deadline = compute_deadline(submitted_at, policy=policy)
    return {
        "deadline_at": deadline.due_at,
        "original_deadline_at": deadline.due_at,
        "calendar_version": deadline.calendar_version,
        "deadline_trace": deadline.trace,
        "reminder_at": add_working_time(submitted_at, REMINDER_AFTER),
        "national_escalation_at": add_working_time(deadline.due_at, NATIONAL_AFTER_DEADLINE),
    }


# --------------------------------------------------------------------------- overdue
#
# One definition for the inbox, the case page, the county and national lists and the indicators'
# workload figures. The clock runs while an open case waits for contact: no first contact yet, or
# referred and not yet acknowledged by the receiving office (status stays "referred" until it is).
# Overdue is that clock past ``deadline_at`` (the receiving office's own deadline after a referral).


def awaiting_contact_q() -> Q:
    """The clock runs for these cases (``routing.models.AWAITING_CONTACT``, open ones only)."""
    return AWAITING_CONTACT & ~Q(status=Case.Status.CLOSED)


def overdue_q(now: datetime) -> Q:
    return awaiting_contact_q() & Q(deadline_at__lte=now)


def case_awaiting_contact(case: Case) -> bool:
    return case.status != Case.Status.CLOSED and (
        case.first_contact_at is None or case.status == Case.Status.REFERRED
    )


def case_is_overdue(case: Case, now: datetime) -> bool:
    return case_awaiting_contact(case) and case.deadline_at <= now


# --------------------------------------------------------------------------- in words


@dataclass(frozen=True)
class StoppedDay:
    """A day the clock stood still between a clock start and its deadline."""

    day: date
    holiday: str  # the holiday's name in the active language; "" for a plain weekend day


def clock_stopped_days(start: datetime, due: datetime) -> list[StoppedDay]:
    """The days skipped between ``start`` and ``due`` (Stockholm days), in the active language."""
    language = "en_US" if (translation.get_language() or "sv").startswith("en") else "sv"
    day, last = start.astimezone(STOCKHOLM).date(), due.astimezone(STOCKHOLM).date()
    names = {}
    for year in range(day.year, last.year + 1):
        names |= holidays.country_holidays(
            "SE", years=year, categories=HOLIDAY_CATEGORIES, language=language
        )
    stopped = []
    while day <= last:
        if not is_working_day(day):
            stopped.append(StoppedDay(day, names.get(day, "")))
        day += timedelta(days=1)
    return stopped


def clock_started_at(case: Case, events) -> datetime:
    """When the running clock started: the latest referral, else when the question came in."""
    referrals = [e.at for e in events if e.kind == "referred"]
    return max(referrals) if referrals else case.created_at
