"""After a referral the receiving office's acknowledgement deadline is reminded and escalated like
any other; reminders never go to a deactivated handler's mailbox."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from routing.clock import STOCKHOLM
from routing.escalation import escalation_audit, escalation_sweep, national_digest
from routing.models import Case, EscalationRecord, OutboxMessage, SweepRun
from routing.selectors import national_overdue_cases, overdue_cases
from routing.services import case_claim, case_record_first_contact, case_refer
from tests.routing.factories_cases import make_case

# Monday 1 June 2026 09:00 – an ordinary working week.
SUBMITTED = datetime(2026, 6, 1, 9, 0, tzinfo=STOCKHOLM)
REMINDER = datetime(2026, 6, 2, 3, 0, tzinfo=STOCKHOLM)
DEADLINE = datetime(2026, 6, 2, 9, 0, tzinfo=STOCKHOLM)
NATIONAL = datetime(2026, 6, 3, 9, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def offices(people):
    for office, email in [
        (people.skane_almi_office, "skane@almi.example"),
        (people.skane_region_office, "skane@region.example"),
    ]:
        office.email = email
        office.save(update_fields=["email"])
    return people


def sweep_at(when: datetime) -> SweepRun:
    with time_machine.travel(when, tick=False):
        return escalation_sweep(when)


def digest_recipients(since: datetime) -> set[str]:
    return set(
        OutboxMessage.objects.filter(kind="staff_digest", created_at__gte=since).values_list(
            "to", flat=True
        )
    )


def refer_at(when: datetime, case: Case, user, office) -> Case:
    with time_machine.travel(when, tick=False):
        return case_refer(case=case, user=user, office=office, reason="Frågan gäller Region Skåne.")


def test_a_referral_after_first_contact_is_reminded_and_escalated_at_the_new_office(offices):
    case = make_case(
        office=offices.skane_almi_office, submitted_at=SUBMITTED, handler=offices.handler
    )
    with time_machine.travel(SUBMITTED + timedelta(hours=1), tick=False):
        case_record_first_contact(
            case=case, user=offices.handler, channel="phone", at=SUBMITTED + timedelta(hours=1)
        )
    referred_at = SUBMITTED + timedelta(hours=2)
    refer_at(referred_at, case, offices.handler, offices.skane_region_office)
    case.refresh_from_db()
    assert case.first_contact_at is not None  # the company's first contact stays on record

    run = sweep_at(case.reminder_at)
    assert run.reminders == 1
    assert digest_recipients(referred_at) == {"skane@region.example"}
    run = sweep_at(case.deadline_at)
    assert run.overdue == 1
    assert "samordnare.skane@example.se" in digest_recipients(case.deadline_at)
    assert case in overdue_cases(offices.coordinator, now=case.deadline_at)
    run = sweep_at(case.national_escalation_at)
    assert run.national == 1
    case.refresh_from_db()
    assert case.escalation_level == 3
    assert case in national_overdue_cases(offices.national)
    with time_machine.travel(case.national_escalation_at + timedelta(minutes=1), tick=False):
        digest = national_digest(case.national_escalation_at + timedelta(minutes=1))
    assert digest.national == 1


def test_a_case_escalated_at_the_first_office_starts_again_after_referral(offices):
    case = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    sweep_at(DEADLINE + timedelta(minutes=1))
    case.refresh_from_db()
    assert case.escalation_level == 2
    referred_at = DEADLINE + timedelta(hours=1)
    refer_at(referred_at, case, offices.coordinator, offices.skane_region_office)
    case.refresh_from_db()
    assert case.escalation_level == 0
    assert case.original_deadline_at == DEADLINE  # the indicator keeps the first promise

    run = sweep_at(case.reminder_at)
    assert run.reminders == 1
    assert digest_recipients(referred_at) == {"skane@region.example"}
    assert sweep_at(case.deadline_at).overdue == 1
    # Both clocks' escalations stay on record, each level once per clock.
    assert sorted(case.escalations.values_list("level", flat=True)) == [1, 1, 2, 2]
    assert sweep_at(case.deadline_at + timedelta(minutes=5)).overdue == 0


def test_only_the_receiving_offices_acknowledgement_stops_its_clock(offices):
    """Claiming a referred case is not contacting the company: the receiving office's
    acknowledgement is its own step, and until it is recorded the clock runs."""
    acknowledged = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    claimed = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    with time_machine.travel(SUBMITTED + timedelta(hours=1), tick=False):
        for case in (acknowledged, claimed):
            case_record_first_contact(
                case=case, user=offices.handler, channel="email", at=SUBMITTED
            )
    for case in (acknowledged, claimed):
        refer_at(SUBMITTED + timedelta(hours=2), case, offices.handler, offices.skane_region_office)
    with time_machine.travel(SUBMITTED + timedelta(hours=3), tick=False):
        case_record_first_contact(
            case=acknowledged,
            user=offices.region_handler,
            channel="phone",
            at=SUBMITTED + timedelta(hours=3),
        )
        case_claim(case=claimed, user=offices.region_handler)
    run = sweep_at(NATIONAL + timedelta(days=2))
    # Only the case that was merely claimed escalates, once per level.
    assert (run.reminders, run.overdue, run.national) == (1, 1, 1)
    assert set(EscalationRecord.objects.values_list("case_id", flat=True)) == {claimed.pk}


def test_the_audit_sees_a_referral_the_sweep_missed(offices):
    case = make_case(office=offices.skane_almi_office, submitted_at=SUBMITTED)
    with time_machine.travel(SUBMITTED + timedelta(hours=1), tick=False):
        case_record_first_contact(case=case, user=offices.handler, channel="phone", at=SUBMITTED)
    refer_at(SUBMITTED + timedelta(hours=2), case, offices.handler, offices.skane_region_office)
    case.refresh_from_db()
    late = case.deadline_at + timedelta(hours=1)
    with time_machine.travel(late, tick=False):
        audit = escalation_audit(late)
    assert (audit.reminders, audit.overdue) == (1, 1)
    assert case.reference in audit.error


def test_reminders_never_go_to_a_deactivated_handler(offices):
    case = make_case(
        office=offices.skane_almi_office, submitted_at=SUBMITTED, handler=offices.handler
    )
    offices.handler.is_active = False
    offices.handler.save(update_fields=["is_active"])
    run = sweep_at(REMINDER)
    assert run.reminders == 1
    assert digest_recipients(SUBMITTED) == {"skane@almi.example"}
    assert EscalationRecord.objects.filter(case=case, level=1).exists()
