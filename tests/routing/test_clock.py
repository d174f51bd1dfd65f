"""The one-working-day clock: examples, every 2026/2027 holiday, DST, and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.clock import (
    STOCKHOLM,
    Deadline,
    add_working_time,
    calendar_version,
    compute_deadline,
    is_working_day,
    non_working_reason,
    staff_notification_time,
    working_time_between,
)

H = timedelta(hours=1)


def sthlm(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def local(dt: datetime) -> datetime:
    return dt.astimezone(STOCKHOLM)


# --------------------------------------------------------------------------- calendar


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 12, 24), "julafton"),
        (date(2026, 12, 31), "nyårsafton"),
        (date(2026, 6, 19), "midsommarafton"),
        (date(2027, 6, 25), "midsommarafton"),
        (date(2026, 12, 25), "juldagen"),
        (date(2026, 3, 14), "lördag"),
        (date(2026, 3, 15), "söndag"),
        (date(2026, 12, 26), "annandag jul"),  # a Saturday: the holiday name wins
    ],
)
def test_non_working_days_have_swedish_reasons(day, reason):
    assert not is_working_day(day)
    assert non_working_reason(day) == reason


def test_ordinary_weekday_is_working():
    assert is_working_day(date(2026, 12, 23))
    assert non_working_reason(date(2026, 12, 23)) is None


def test_is_working_day_rejects_datetime():
    with pytest.raises(TypeError):
        is_working_day(sthlm(2026, 12, 23, 12))


def test_calendar_version_names_data_and_policy():
    assert calendar_version("working_day").endswith("policy=working_day")
    assert "holidays==" in calendar_version("working_day")
    assert calendar_version("calendar_24h").endswith("policy=calendar_24h")
    assert calendar_version() == calendar_version("working_day")  # default without settings


def test_unknown_policy_rejected():
    with pytest.raises(ValueError, match="policy"):
        compute_deadline(sthlm(2026, 3, 4, 10), policy="whenever")


# --------------------------------------------------------------------------- examples


def test_friday_afternoon_due_monday_same_time():
    d = compute_deadline(sthlm(2026, 3, 6, 15))
    assert local(d.due_at) == sthlm(2026, 3, 9, 15)
    assert d.due_at.tzinfo is UTC


def test_christmas_example_with_trace():
    d = compute_deadline(sthlm(2026, 12, 23, 15))
    assert isinstance(d, Deadline)
    assert local(d.due_at) == sthlm(2026, 12, 28, 15)
    assert d.trace == (
        "inkom ons 23 dec 15:00; 24 dec (julafton), 25 dec (juldagen), "
        "helg 26–27 dec hoppades över; förfaller mån 28 dec 15:00"
    )
    assert d.calendar_version == calendar_version("working_day")


def test_midweek_no_skipped_days():
    d = compute_deadline(sthlm(2026, 3, 4, 10, 30))
    assert local(d.due_at) == sthlm(2026, 3, 5, 10, 30)
    assert d.trace == "inkom ons 4 mar 10:30; förfaller tor 5 mar 10:30"


@pytest.mark.parametrize("hour", [0, 9, 23])
def test_saturday_submission_due_end_of_monday(hour):
    d = compute_deadline(sthlm(2026, 3, 14, hour))
    assert local(d.due_at) == sthlm(2026, 3, 17, 0)  # first instant of Tuesday


def test_sunday_submission_due_end_of_monday():
    assert local(compute_deadline(sthlm(2026, 3, 15, 12)).due_at) == sthlm(2026, 3, 17, 0)


def test_calendar_24h_policy_ignores_weekends_and_holidays():
    d = compute_deadline(sthlm(2026, 12, 23, 15), policy="calendar_24h")
    assert local(d.due_at) == sthlm(2026, 12, 24, 15)
    assert d.calendar_version.endswith("policy=calendar_24h")
    assert compute_deadline(sthlm(2026, 3, 14, 9), policy="calendar_24h").due_at == local(
        sthlm(2026, 3, 15, 9)
    )


def test_hours_argument():
    d = compute_deadline(sthlm(2026, 3, 6, 15), hours=48)
    assert local(d.due_at) == sthlm(2026, 3, 10, 15)


def test_naive_submission_raises():
    with pytest.raises(ValueError, match="aware"):
        compute_deadline(datetime(2026, 3, 6, 15))


def test_offset_input_is_honoured():
    # 14:00Z in winter is 15:00 in Stockholm.
    d = compute_deadline(datetime(2026, 12, 23, 14, tzinfo=UTC))
    assert local(d.due_at) == sthlm(2026, 12, 28, 15)


# --------------------------------------------------------------------------- holidays

# (holiday(s), sent = working day before at 15:00, due = next working day after at 15:00)
HOLIDAY_CASES = [
    ("nyårsdagen 2026 (+ nyårsafton 2025)", date(2025, 12, 30), date(2026, 1, 2)),
    ("trettondedag jul 2026", date(2026, 1, 5), date(2026, 1, 7)),
    ("långfredag + annandag påsk 2026", date(2026, 4, 2), date(2026, 4, 7)),
    ("1 maj 2026", date(2026, 4, 30), date(2026, 5, 4)),
    ("Kristi himmelsfärd 2026", date(2026, 5, 13), date(2026, 5, 15)),
    ("nationaldagen 2026 (lördag)", date(2026, 6, 5), date(2026, 6, 8)),
    ("midsommarafton + midsommardagen 2026", date(2026, 6, 18), date(2026, 6, 22)),
    ("alla helgons dag 2026 (lördag)", date(2026, 10, 30), date(2026, 11, 2)),
    ("julafton, juldagen, annandag jul 2026", date(2026, 12, 23), date(2026, 12, 28)),
    ("nyårsafton 2026 + nyårsdagen 2027", date(2026, 12, 30), date(2027, 1, 4)),
    ("trettondedag jul 2027", date(2027, 1, 5), date(2027, 1, 7)),
    ("långfredag + annandag påsk 2027 (DST)", date(2027, 3, 25), date(2027, 3, 30)),
    ("1 maj 2027 (lördag)", date(2027, 4, 30), date(2027, 5, 3)),
    ("Kristi himmelsfärd 2027", date(2027, 5, 5), date(2027, 5, 7)),
    ("nationaldagen 2027 (söndag)", date(2027, 6, 4), date(2027, 6, 7)),
    ("midsommarafton + midsommardagen 2027", date(2027, 6, 24), date(2027, 6, 28)),
    ("alla helgons dag 2027 (lördag)", date(2027, 11, 5), date(2027, 11, 8)),
    ("julafton, juldagen, annandag jul 2027", date(2027, 12, 23), date(2027, 12, 27)),
    ("nyårsafton 2027", date(2027, 12, 30), date(2028, 1, 3)),
]


@pytest.mark.parametrize(("label", "sent", "due"), HOLIDAY_CASES, ids=[c[0] for c in HOLIDAY_CASES])
def test_holiday_skipped(label, sent, due):
    assert is_working_day(sent) and is_working_day(due)
    # every day strictly between is a non-working day
    day = sent + timedelta(days=1)
    while day < due:
        assert not is_working_day(day), day
        day += timedelta(days=1)
    d = compute_deadline(datetime.combine(sent, time(15), tzinfo=STOCKHOLM))
    assert local(d.due_at) == datetime.combine(due, time(15), tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    "name",
    [
        "nyårsdagen",
        "trettondedag jul",
        "långfredagen",
        "annandag påsk",
        "första maj",
        "kristi himmelsfärdsdag",
        "nationaldagen",
        "midsommarafton",
        "midsommardagen",
        "alla helgons dag",
        "julafton",
        "juldagen",
        "annandag jul",
        "nyårsafton",
    ],
)
@pytest.mark.parametrize("year", [2026, 2027])
def test_every_holiday_present_each_year(name, year):
    days = [date(year, 1, 1) + timedelta(days=i) for i in range(365)]
    assert any(non_working_reason(d) == name for d in days), (name, year)


# --------------------------------------------------------------------------- DST


@pytest.mark.parametrize(
    ("sent", "due", "elapsed_hours"),
    [
        (date(2026, 3, 27), date(2026, 3, 30), 24 + 47),  # spring forward 29 Mar 2026
        (date(2026, 10, 23), date(2026, 10, 26), 24 + 49),  # fall back 25 Oct 2026
        # 28 Mar 2027 is Easter Sunday: Fri (långfredag) and Mon (annandag påsk) are holidays
        # too, so send on Thursday: 4 days skipped, one of them 23 h long.
        (date(2027, 3, 25), date(2027, 3, 30), 24 + 4 * 24 - 1),
        (date(2027, 10, 29), date(2027, 11, 1), 24 + 49),  # fall back 31 Oct 2027
    ],
)
def test_dst_weekends(sent, due, elapsed_hours):
    submitted = datetime.combine(sent, time(15), tzinfo=STOCKHOLM)
    d = compute_deadline(submitted)
    assert local(d.due_at).time() == time(15)
    assert local(d.due_at).date() == due
    assert d.due_at - submitted == timedelta(hours=elapsed_hours)
    assert working_time_between(submitted, d.due_at) == 24 * H


def test_working_day_before_dst_sunday_is_24h():
    # A Saturday→Monday span across the switch contains only Monday's 24 working hours.
    assert working_time_between(sthlm(2026, 3, 28, 0), sthlm(2026, 3, 31, 0)) == 24 * H
    assert working_time_between(sthlm(2026, 10, 24, 0), sthlm(2026, 10, 27, 0)) == 24 * H


# --------------------------------------------------------------------------- staff notifications


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (sthlm(2026, 3, 14, 21), sthlm(2026, 3, 16, 8)),  # Saturday evening → Monday 08:00
        (sthlm(2026, 3, 11, 10), sthlm(2026, 3, 11, 10)),  # weekday 10:00 unchanged
        (sthlm(2026, 3, 11, 8), sthlm(2026, 3, 11, 8)),  # opening minute
        (sthlm(2026, 3, 11, 18), sthlm(2026, 3, 12, 8)),  # weekday evening → next morning
        (sthlm(2026, 3, 11, 17), sthlm(2026, 3, 12, 8)),  # 17:00 is already closed
        (sthlm(2026, 3, 11, 6, 30), sthlm(2026, 3, 11, 8)),  # early morning → same day 08:00
        (sthlm(2026, 3, 13, 18), sthlm(2026, 3, 16, 8)),  # Friday evening → Monday
        (sthlm(2026, 12, 24, 10), sthlm(2026, 12, 28, 8)),  # julafton
        (sthlm(2026, 12, 23, 17, 30), sthlm(2026, 12, 28, 8)),  # evening before julafton
    ],
)
def test_staff_notification_time(at, expected):
    result = staff_notification_time(at)
    assert result == expected
    assert result.tzinfo is UTC


def test_staff_notification_naive_raises():
    with pytest.raises(ValueError):
        staff_notification_time(datetime(2026, 3, 11, 10))


# --------------------------------------------------------------------------- working time


def test_add_working_time_reminder_and_escalation():
    submitted = sthlm(2026, 12, 23, 15)
    deadline = compute_deadline(submitted).due_at
    # 75 % of the clock: 18 working hours → 9 h on 23 Dec + 9 h on 28 Dec.
    assert local(add_working_time(submitted, 18 * H)) == sthlm(2026, 12, 28, 9)
    # escalation level 3: one more working day after the deadline (29 Dec is a Tuesday).
    assert local(add_working_time(deadline, 24 * H)) == sthlm(2026, 12, 29, 15)


def test_add_working_time_zero_and_negative():
    start = sthlm(2026, 3, 14, 12)
    assert add_working_time(start, timedelta(0)) == start
    with pytest.raises(ValueError):
        add_working_time(start, -H)


def test_working_time_between_is_signed_and_skips_non_working_days():
    a, b = sthlm(2026, 12, 23, 15), sthlm(2026, 12, 28, 15)
    assert working_time_between(a, b) == 24 * H
    assert working_time_between(b, a) == -24 * H
    assert working_time_between(a, a) == timedelta(0)
    assert working_time_between(sthlm(2026, 12, 24, 1), sthlm(2026, 12, 27, 23)) == timedelta(0)


@pytest.mark.parametrize(
    ("start", "delta"),
    [
        (sthlm(2026, 3, 6, 15), 24 * H),
        (sthlm(2026, 12, 23, 15), 18 * H),
        (sthlm(2026, 3, 14, 9), timedelta(hours=5, minutes=7)),
        (sthlm(2027, 3, 25, 23, 59), 72 * H),
    ],
)
def test_add_and_between_are_inverse(start, delta):
    end = add_working_time(start, delta)
    assert working_time_between(start, end) == delta
    # and back again when the end lies in working time
    assert add_working_time(start, working_time_between(start, end)) == end


# --------------------------------------------------------------------------- properties

aware_utc = st.datetimes(
    min_value=datetime(2025, 1, 1),  # hypothesis bounds must be naive
    max_value=datetime(2028, 12, 31, 23, 59),
    timezones=st.just(UTC),
)


@settings(deadline=None, max_examples=300)
@given(aware_utc)
def test_property_due_at_least_24h_later(submitted):
    assert compute_deadline(submitted).due_at - submitted >= 24 * H


@settings(deadline=None, max_examples=300)
@given(aware_utc, aware_utc)
def test_property_monotone(s1, s2):
    s1, s2 = sorted((s1, s2))
    assert compute_deadline(s1).due_at <= compute_deadline(s2).due_at


@settings(deadline=None, max_examples=300)
@given(aware_utc)
def test_property_due_never_inside_non_working_day(submitted):
    due = local(compute_deadline(submitted).due_at)
    if not is_working_day(due.date()):
        assert due.time() == time(0)


@settings(deadline=None, max_examples=300)
@given(aware_utc)
def test_property_exactly_24_working_hours(submitted):
    d = compute_deadline(submitted)
    assert working_time_between(submitted, d.due_at) == 24 * H


@settings(deadline=None, max_examples=300)
@given(aware_utc, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)))
def test_property_add_then_between_roundtrip(start, delta):
    assert working_time_between(start, add_working_time(start, delta)) == delta
