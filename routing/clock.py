"""The one-working-day clock.

Every question a company files must get first contact within "one working day
(24 hours)". The clock only runs on working days: it stops on Saturdays,
Sundays, Swedish public holidays and the de facto holidays midsommarafton,
julafton and nyårsafton. Days are whole local calendar days in
Europe/Stockholm; all arithmetic is done on real (UTC) elapsed time so the
DST switches cannot shift a deadline. Results are returned in UTC.

This module is pure: it needs Django settings only lazily, to read
``DEADLINE_POLICY`` when no explicit policy is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

STOCKHOLM = ZoneInfo("Europe/Stockholm")

#: Staff are only notified within these local hours on working days.
WORKDAY_START = time(8)
WORKDAY_END = time(17)

POLICY_WORKING_DAY = "working_day"
POLICY_CALENDAR_24H = "calendar_24h"
POLICIES = (POLICY_WORKING_DAY, POLICY_CALENDAR_24H)
DEFAULT_POLICY = POLICY_WORKING_DAY

HOLIDAY_CATEGORIES = ("public", "de_facto")

_WEEKDAY_NAMES = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
_WEEKDAY_ABBR = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
_MONTH_ABBR = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


# --------------------------------------------------------------------------- calendar


@lru_cache(maxsize=64)
def _holidays_for_year(year: int) -> dict[date, str]:
    """Swedish holiday names (lower case) for one year; cached because it is hot."""
    calendar = holidays.country_holidays(
        "SE", years=year, categories=HOLIDAY_CATEGORIES, language="sv"
    )
    return {day: name.lower() for day, name in calendar.items()}


def _check_date(day: date) -> None:
    # datetime is a subclass of date; silently using its wall-clock date would
    # hide time-zone mistakes, so insist on a plain date.
    if isinstance(day, datetime):
        raise TypeError("pass a date, e.g. dt.astimezone(STOCKHOLM).date(), not a datetime")


def non_working_reason(day: date) -> str | None:
    """Why the clock stops on ``day`` ("julafton", "lördag"), or None on a working day.

    A holiday name wins over the weekday name so coordinators see the real reason.
    """
    _check_date(day)
    name = _holidays_for_year(day.year).get(day)
    if name:
        return name
    if day.weekday() >= 5:
        return _WEEKDAY_NAMES[day.weekday()]
    return None


def is_working_day(day: date) -> bool:
    """True if the clock runs on this Stockholm calendar day."""
    _check_date(day)
    return day.weekday() < 5 and day not in _holidays_for_year(day.year)


def calendar_version(policy: str | None = None) -> str:
    """Identify calendar data + policy; stored per case so deadlines can be recomputed."""
    policy = _resolve_policy(policy)
    return f"SE {'+'.join(HOLIDAY_CATEGORIES)} holidays=={holidays.__version__}; policy={policy}"


def _resolve_policy(policy: str | None) -> str:
    if policy is None:
        # Read lazily: the clock is also used without configured settings (pure unit tests).
        policy = settings.DEADLINE_POLICY if settings.configured else DEFAULT_POLICY
    if policy not in POLICIES:
        raise ValueError(f"unknown deadline policy {policy!r}; expected one of {POLICIES}")
    return policy


# --------------------------------------------------------------------------- helpers


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")


def _local_midnight_utc(day: date) -> datetime:
    """First instant of a Stockholm calendar day, in UTC (midnight always exists here)."""
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def _local_day(at: datetime) -> date:
    return at.astimezone(STOCKHOLM).date()


# --------------------------------------------------------------------------- working time


def add_working_time(start: datetime, delta: timedelta) -> datetime:
    """``start`` plus ``delta`` of working time (clock stopped on non-working days).

    Steps day by day. If the time runs out exactly at the end of a working day the
    result is the first instant of the next day (local 00:00), even if that day is
    not a working day: "by the end of Monday" is Tuesday 00:00.
    """
    _require_aware(start, "start")
    if delta < timedelta(0):
        raise ValueError("delta must not be negative")
    current = start.astimezone(UTC)
    remaining = delta
    if not remaining:
        return current
    day = _local_day(current)
    while True:
        next_midnight = _local_midnight_utc(day + timedelta(days=1))
        if is_working_day(day):
            available = next_midnight - current
            if remaining <= available:
                return current + remaining
            remaining -= available
        current = next_midnight
        day += timedelta(days=1)


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """Working time elapsed from ``start`` to ``end`` (negative if ``end`` is earlier)."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end < start:
        return -working_time_between(end, start)
    total = timedelta(0)
    day = _local_day(start)
    current = start
    while current < end:
        next_midnight = _local_midnight_utc(day + timedelta(days=1))
        if is_working_day(day):
            total += min(end, next_midnight) - current
        current = next_midnight
        day += timedelta(days=1)
    return total


def staff_notification_time(at: datetime) -> datetime:
    """When a staff notification due at ``at`` may be sent (UTC).

    Inside working hours (working day, 08:00 <= t < 17:00 local) it goes out at once;
    otherwise it is held until 08:00 on the next working day (today if still before 08:00).
    """
    _require_aware(at, "at")
    local = at.astimezone(STOCKHOLM)
    day = local.date()
    if is_working_day(day):
        if WORKDAY_START <= local.time() < WORKDAY_END:
            return at.astimezone(UTC)
        if local.time() < WORKDAY_START:
            return datetime.combine(day, WORKDAY_START, tzinfo=STOCKHOLM).astimezone(UTC)
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, WORKDAY_START, tzinfo=STOCKHOLM).astimezone(UTC)


# --------------------------------------------------------------------------- deadline


@dataclass(frozen=True)
class Deadline:
    """A computed first-contact deadline and how it was reached."""

    due_at: datetime  # aware, UTC
    calendar_version: str
    trace: str  # short Swedish explanation for coordinators


def compute_deadline(
    submitted_at: datetime, *, policy: str | None = None, hours: int = 24
) -> Deadline:
    """Deadline for first contact on a question submitted at ``submitted_at``."""
    _require_aware(submitted_at, "submitted_at")
    policy = _resolve_policy(policy)
    submitted = submitted_at.astimezone(UTC)
    delta = timedelta(hours=hours)
    if policy == POLICY_CALENDAR_24H:
        due = submitted + delta
        middle = f"{hours} timmar rakt av (kalendertid)"
    else:
        due = add_working_time(submitted, delta)
        middle = _skipped_text(submitted, due)
    parts = [f"inkom {_fmt_local(submitted)}"]
    if middle:
        parts.append(middle)
    parts.append(f"förfaller {_fmt_local(due)}")
    return Deadline(due_at=due, calendar_version=calendar_version(policy), trace="; ".join(parts))


def _fmt_local(at: datetime) -> str:
    local = at.astimezone(STOCKHOLM)
    return (
        f"{_WEEKDAY_ABBR[local.weekday()]} {local.day} {_MONTH_ABBR[local.month - 1]} {local:%H:%M}"
    )


def _fmt_day(day: date) -> str:
    return f"{day.day} {_MONTH_ABBR[day.month - 1]}"


def _fmt_range(first: date, last: date) -> str:
    if first.month == last.month:
        return f"{first.day}–{last.day} {_MONTH_ABBR[last.month - 1]}"
    return f"{_fmt_day(first)}–{_fmt_day(last)}"


def _skipped_text(submitted: datetime, due: datetime) -> str:
    """E.g. "24 dec (julafton), helg 26–27 dec hoppades över" for days with the clock stopped.

    Weekend days are grouped as "helg" (even if also a holiday); weekday holidays are named.
    Only days the interval actually overlaps count (a due time at 00:00 does not).
    """
    items: list[str] = []
    weekend_run: list[date] = []

    def flush() -> None:
        if len(weekend_run) == 1:
            items.append(f"{_WEEKDAY_NAMES[weekend_run[0].weekday()]} {_fmt_day(weekend_run[0])}")
        elif weekend_run:
            items.append(f"helg {_fmt_range(weekend_run[0], weekend_run[-1])}")
        weekend_run.clear()

    day = _local_day(submitted)
    while _local_midnight_utc(day) < due:
        if not is_working_day(day):
            if day.weekday() >= 5:
                weekend_run.append(day)
            else:
                flush()
                items.append(f"{_fmt_day(day)} ({non_working_reason(day)})")
        else:
            flush()
        day += timedelta(days=1)
    flush()
    return f"{', '.join(items)} hoppades över" if items else ""
