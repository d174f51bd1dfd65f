"""The clock columns a case carries, so the escalation sweep only compares indexed timestamps."""

from __future__ import annotations

from datetime import datetime, timedelta

from routing.clock import add_working_time, compute_deadline

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
