"""The escalation sweep: each level exactly once, one digest per recipient per run, staff mail
held to working hours, a query count that does not grow with the due cases, watch the watcher."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from routing import escalation
from routing.clock import STOCKHOLM, staff_notification_time
from routing.escalation import escalation_audit, escalation_sweep, national_digest, sweep_health
from routing.models import Case, CaseEvent, EscalationRecord, OutboxMessage, SweepRun
from routing.outbox import email_render
from routing.selectors import overdue_cases
from routing.services import case_close, case_record_first_contact
from tests.conftest import require, uses_postgres
from tests.factories import staff_user
from tests.routing.factories_cases import make_case

# Monday 1 June 2026 09:00 – an ordinary working week (6 June, national day, is a Saturday).
SUBMITTED = datetime(2026, 6, 1, 9, 0, tzinfo=STOCKHOLM)
REMINDER = datetime(2026, 6, 2, 3, 0, tzinfo=STOCKHOLM)  # 18 working hours later
DEADLINE = datetime(2026, 6, 2, 9, 0, tzinfo=STOCKHOLM)
NATIONAL = datetime(2026, 6, 3, 9, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def offices(people):
    people.skane_almi_office.email = "skane@almi.example"
    people.skane_almi_office.save(update_fields=["email"])
    return people


def sweep_at(when: datetime) -> SweepRun:
    with time_machine.travel(when, tick=False):
        return escalation_sweep(when)


def levels(case: Case) -> list[int]:
    return list(case.escalations.order_by("level").values_list("level", flat=True))


def test_case_clock_columns_are_what_the_levels_expect(offices):
    case = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    assert (case.reminder_at, case.deadline_at, case.national_escalation_at) == (
        REMINDER,
        DEADLINE,
        NATIONAL,
    )


def test_nothing_happens_before_the_reminder_time(offices):
    case = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    run = sweep_at(REMINDER - timedelta(seconds=1))
    assert (run.reminders, run.overdue, run.national, run.notifications) == (0, 0, 0, 0)
    assert levels(case) == []


def test_level_one_reminds_handler_and_office_once_held_to_working_hours(offices):
    case = make_case(
        office=offices.skane_almi_office, submitted_at=SUBMITTED, handler=offices.handler
    )
    run = sweep_at(REMINDER)  # 03:00 at night
    assert run.reminders == 1
    case.refresh_from_db()
    assert case.escalation_level == 1
    messages = OutboxMessage.objects.filter(kind="staff_digest").order_by("to")
    assert [m.to for m in messages] == ["almi.skane@example.se", "skane@almi.example"]
    # Nobody is woken at 03:00: held until 08:00 the same working day.
    assert {m.send_after for m in messages} == {datetime(2026, 6, 2, 8, 0, tzinfo=STOCKHOLM)}
    assert case.reference in messages[0].body_text
    assert "75 %" in messages[0].body_text
    # Later sweeps never repeat the level.
    run2 = sweep_at(REMINDER + timedelta(minutes=1))
    assert (run2.reminders, run2.notifications) == (0, 0)
    assert levels(case) == [1]
    assert OutboxMessage.objects.count() == 2
    assert case.events.filter(kind="escalated").count() == 1


def test_level_two_notifies_the_county_coordinators_in_one_digest(offices):
    cases = [
        make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED + timedelta(minutes=i))
        for i in range(5)
    ]
    other = make_case(office=offices.dalarna_almi_office, submitted_at=SUBMITTED)
    sweep_at(REMINDER + timedelta(hours=1))
    run = sweep_at(DEADLINE + timedelta(minutes=5))
    assert run.overdue == 6
    coordinator_mail = OutboxMessage.objects.filter(to="samordnare.skane@example.se")
    assert coordinator_mail.count() == 1
    body = coordinator_mail.get().body_text
    assert all(case.reference in body for case in cases)
    assert other.reference not in body
    assert OutboxMessage.objects.filter(to="samordnare.dalarna@example.se").count() == 1
    # The subject template ends in a newline; stored unnormalised, sending raised BadHeaderError.
    assert coordinator_mail.get().subject == "5 försenade ärenden i länet"
    # The escalated cases top the coordinator's overdue list.
    fresh_overdue = make_case(
        office=offices.skane_almi_office, submitted_at=SUBMITTED - timedelta(days=7)
    )
    Case.objects.filter(pk=fresh_overdue.pk).update(escalation_level=0)
    listed = list(overdue_cases(offices.coordinator, now=DEADLINE + timedelta(minutes=6)))
    assert listed[-1] == fresh_overdue
    assert {c.escalation_level for c in listed[:-1]} == {2}


def test_recipients_with_the_same_cases_share_one_rendering_and_nobody_reads_anothers(
    offices, monkeypatch
):
    second_handler = staff_user(
        "almi2.skane@example.se", "handler", office=offices.skane_almi_office
    )
    staff_user("samordnare2.skane@example.se", "coordinator", county=offices.skane)
    first = make_case(
        office=offices.skane_almi_office, submitted_at=SUBMITTED, handler=offices.handler
    )
    second = make_case(
        office=offices.skane_almi_office, submitted_at=SUBMITTED, handler=second_handler
    )
    renderings = []
    monkeypatch.setattr(
        escalation,
        "email_render",
        lambda *args, **kwargs: renderings.append(args) or email_render(*args, **kwargs),
    )

    sweep_at(REMINDER)
    # Each handler hears about their own case, the office about both: three different e-mails.
    reminders = dict(
        OutboxMessage.objects.filter(kind="staff_digest").values_list("to", "body_text")
    )
    assert first.reference in reminders["almi.skane@example.se"]
    assert second.reference not in reminders["almi.skane@example.se"]
    assert second.reference in reminders["almi2.skane@example.se"]
    assert first.reference not in reminders["almi2.skane@example.se"]
    assert first.reference in reminders["skane@almi.example"]
    assert second.reference in reminders["skane@almi.example"]
    assert len(renderings) == 3

    OutboxMessage.objects.all().delete()
    renderings.clear()
    sweep_at(DEADLINE)
    # Skåne's two coordinators hear about the same cases: one rendering, the same e-mail.
    mails = OutboxMessage.objects.filter(to__startswith="samordnare").order_by("to")
    assert [m.to for m in mails] == ["samordnare.skane@example.se", "samordnare2.skane@example.se"]
    assert len(renderings) == 1
    assert {(m.subject, m.body_text, m.body_html) for m in mails} == {
        (mails[0].subject, mails[0].body_text, mails[0].body_html)
    }
    assert first.reference in mails[0].body_text and second.reference in mails[0].body_text


def test_level_three_is_recorded_and_national_staff_get_one_daily_digest(offices):
    case = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    run = sweep_at(NATIONAL + timedelta(minutes=1))
    # A sweep that was down for two days catches up all levels at once, each once.
    assert (run.reminders, run.overdue, run.national) == (1, 1, 1)
    assert levels(case) == [1, 2, 3]
    # The reminder is not mailed for a case that is already overdue; level 3 waits for the digest.
    assert not OutboxMessage.objects.filter(to="nationell@example.se").exists()
    assert not OutboxMessage.objects.filter(to="almi.skane@example.se").exists()

    at = NATIONAL + timedelta(minutes=2)
    with time_machine.travel(at, tick=False):
        digest = national_digest(at)
        assert national_digest(at + timedelta(hours=3)) is None  # once a day
    assert digest.national == 1
    mail = OutboxMessage.objects.get(to="nationell@example.se")
    assert case.reference in mail.body_text
    # The next day's digest only has what is new since.
    next_day = NATIONAL + timedelta(days=1)
    with time_machine.travel(next_day, tick=False):
        assert national_digest(next_day).national == 0
    assert OutboxMessage.objects.filter(to="nationell@example.se").count() == 1


def test_national_digest_waits_for_working_hours(offices):
    make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    sweep_at(NATIONAL)
    saturday_night = datetime(2026, 6, 6, 21, 0, tzinfo=STOCKHOLM)
    with time_machine.travel(saturday_night, tick=False):
        assert national_digest(saturday_night) is None


def test_saturday_evening_notifications_are_held_until_monday_morning(offices):
    friday = datetime(2026, 6, 5, 14, 0, tzinfo=STOCKHOLM)
    make_case(office=offices.skane_almi_office, submitted_at=friday - timedelta(days=3))
    saturday_21 = datetime(2026, 6, 6, 21, 0, tzinfo=STOCKHOLM)
    sweep_at(saturday_21)
    monday_8 = datetime(2026, 6, 8, 8, 0, tzinfo=STOCKHOLM)
    assert staff_notification_time(saturday_21) == monday_8
    assert set(OutboxMessage.objects.values_list("send_after", flat=True)) == {monday_8}


def test_contacted_and_closed_cases_are_not_escalated(offices):
    contacted = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    closed = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    with time_machine.travel(SUBMITTED + timedelta(hours=1), tick=False):
        case_record_first_contact(
            case=contacted, user=offices.handler, channel="phone", at=SUBMITTED
        )
        case_close(case=closed, user=offices.handler, outcome="duplicate")
    run = sweep_at(NATIONAL + timedelta(hours=1))
    assert (run.reminders, run.overdue, run.national) == (0, 0, 0)


def _queries_for_sweep(offices, count: int, when: datetime) -> int:
    for i in range(count):
        make_case(
            office=offices.skane_almi_office if i % 2 else offices.dalarna_almi_office,
            submitted_at=when - timedelta(days=3, minutes=i),
            handler=offices.handler if i % 2 else None,
        )
    with time_machine.travel(when, tick=False), CaptureQueriesContext(connection) as queries:
        run = escalation_sweep(when)
    assert run.overdue == count
    return len(queries)


def test_query_count_does_not_grow_with_the_due_cases(offices):
    few = _queries_for_sweep(offices, 2, datetime(2026, 6, 10, 10, 0, tzinfo=STOCKHOLM))
    many = _queries_for_sweep(offices, 40, datetime(2026, 6, 17, 10, 0, tzinfo=STOCKHOLM))
    assert few == many
    assert many <= 25


def test_batch_limit_leaves_the_rest_for_the_next_run(offices):
    for i in range(5):
        make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED + timedelta(minutes=i))
    when = DEADLINE + timedelta(hours=1)
    with time_machine.travel(when, tick=False):
        first = escalation_sweep(when, batch_size=3)
        second = escalation_sweep(when, batch_size=3)
    assert (first.overdue, second.overdue) == (3, 2)
    assert EscalationRecord.objects.filter(level=2).count() == 5


def test_a_conflicting_record_is_not_escalated_again(offices):
    """If a record exists but the level column lags (a crashed run), no second notification."""
    case = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    EscalationRecord.objects.create(case=case, level=1, due_at=REMINDER, created_at=REMINDER)
    run = sweep_at(REMINDER + timedelta(minutes=1))
    assert run.reminders == 0
    assert run.notifications == 0
    assert EscalationRecord.objects.filter(case=case).count() == 1


def test_every_sweep_is_recorded_and_health_goes_stale(offices, settings):
    assert sweep_health().stale is True  # never ran: nobody is watching
    run = sweep_at(SUBMITTED)
    assert run.finished_at is not None and run.error == ""
    assert sweep_health(SUBMITTED + timedelta(minutes=1)).stale is False
    assert sweep_health(SUBMITTED + settings.SWEEP_STALE_AFTER + timedelta(seconds=1)).stale


def test_a_failing_sweep_records_its_error(offices, monkeypatch):
    make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)

    def broken(*args, **kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(escalation, "_queue_digests", broken)
    with pytest.raises(RuntimeError):
        sweep_at(DEADLINE)
    run = SweepRun.objects.get(kind="sweep")
    assert "template missing" in run.error
    assert run.finished_at is not None
    # The escalation was rolled back with the failed notifications, so the next run retries.
    assert EscalationRecord.objects.count() == 0
    assert sweep_health(DEADLINE).stale is True


def test_audit_reports_cases_past_a_level_without_its_record(offices, caplog):
    missed = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    with time_machine.travel(DEADLINE + timedelta(hours=1), tick=False):
        audit = escalation_audit(DEADLINE + timedelta(hours=1))
    assert (audit.kind, audit.reminders, audit.overdue, audit.national) == ("audit", 1, 1, 0)
    assert missed.reference in audit.error
    assert "without their escalation" in caplog.text
    assert sweep_health().audit_problems == 2
    sweep_at(DEADLINE + timedelta(hours=1))
    with time_machine.travel(DEADLINE + timedelta(hours=2), tick=False):
        clean = escalation_audit(DEADLINE + timedelta(hours=2))
    assert (clean.reminders, clean.overdue, clean.national, clean.error) == (0, 0, 0, "")


def test_the_sweep_reads_each_level_through_its_partial_index(offices):
    require(uses_postgres(), "index use is a PostgreSQL planner question")
    make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for level, index in [
        (1, "case_reminder_due"),
        (2, "case_deadline_due"),
        (3, "case_national_due"),
    ]:
        plan = escalation.due_cases(level, NATIONAL).select_for_update(skip_locked=True).explain()
        assert index in plan, plan


def test_sweep_events_are_in_the_case_history(offices):
    case = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    sweep_at(DEADLINE)
    assert list(
        CaseEvent.objects.filter(case=case, kind="escalated").values_list("to_value", flat=True)
    ) == ["1", "2"]


def test_a_digest_in_plain_text_is_not_html_escaped(offices):
    make_case(
        office=offices.skane_almi_office,
        submitted_at=SUBMITTED,
        handler=offices.handler,
        company_name='Svensson & Söner "Glas" AB',
    )
    sweep_at(REMINDER)
    digest = OutboxMessage.objects.get(kind="staff_digest", to="almi.skane@example.se")
    assert 'Svensson & Söner "Glas" AB' in digest.body_text
    assert "&amp;" not in digest.body_text and "&quot;" not in digest.body_text
    assert "Svensson &amp; Söner &quot;Glas&quot; AB" in digest.body_html
