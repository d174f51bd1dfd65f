"""The case state machine: allowed transitions only, one event per change, the clock untouched
by claims, notes and reassignments, and a referral's own deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from routing import services
from routing.access import case_actions_for
from routing.clock import STOCKHOLM
from routing.models import Case, OutboxMessage
from routing.services import ALLOWED_TRANSITIONS, CaseActionError, CaseTransitionError
from tests.routing.conftest import WEDNESDAY
from tests.routing.factories_cases import make_case

S = Case.Status
MONDAY = datetime(2026, 6, 1, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def case(people, frozen):
    return make_case(office=people.skane_almi_office, submitted_at=WEDNESDAY - timedelta(hours=2))


def kinds(case):
    return list(case.events.values_list("kind", flat=True))


def test_transition_table_is_closed_and_has_no_way_out_of_closed_but_reopen():
    every = set(S.values)
    assert set(ALLOWED_TRANSITIONS) == every
    for targets in ALLOWED_TRANSITIONS.values():
        assert targets <= every
    assert S.CLOSED not in ALLOWED_TRANSITIONS[S.CLOSED]
    assert not services.transition_allowed(S.NEW, S.IN_PROGRESS)
    assert not services.transition_allowed(S.IN_PROGRESS, S.CONTACTED)


def test_claim_then_first_contact_then_work_then_close(people, case, frozen):
    clock = (case.deadline_at, case.reminder_at, case.national_escalation_at)
    services.case_claim(case=case, user=people.handler)
    assert (case.status, case.handler) == (S.ASSIGNED, people.handler)
    services.case_add_note(case=case, user=people.handler, text="Ringer efter lunch.")
    # Claims and notes never touch the clock.
    case.refresh_from_db()
    assert (case.deadline_at, case.reminder_at, case.national_escalation_at) == clock

    frozen.shift(timedelta(hours=1))
    contact_at = WEDNESDAY + timedelta(minutes=30)
    services.case_record_first_contact(
        case=case, user=people.handler, channel="phone", at=contact_at
    )
    case.refresh_from_db()
    assert case.status == S.CONTACTED
    assert case.first_contact_at == contact_at
    assert case.first_contact_channel == "phone"
    assert case.first_contact_in_time is True

    services.case_start_work(case=case, user=people.handler)
    services.case_close(case=case, user=people.handler, outcome="answered")
    case.refresh_from_db()
    assert (case.status, case.outcome) == (S.CLOSED, "answered")
    assert case.closed_at is not None
    assert kinds(case) == ["claimed", "note", "first_contact", "status_changed", "closed"]
    closed = case.events.get(kind="closed")
    assert (closed.from_value, closed.to_value, closed.actor_user) == (
        S.IN_PROGRESS,
        S.CLOSED,
        people.handler,
    )


def test_first_contact_after_the_deadline_misses_the_goal(people, frozen):
    case = make_case(office=people.skane_almi_office, submitted_at=MONDAY)
    services.case_record_first_contact(
        case=case, user=people.handler, channel="email", at=WEDNESDAY
    )
    assert case.first_contact_in_time is False


def test_disallowed_transition_is_a_translated_domain_error(people, case):
    with pytest.raises(CaseActionError):
        services.case_start_work(case=case, user=people.handler)  # new → in progress
    case.status = S.NEW
    with pytest.raises(CaseTransitionError) as error:
        services._check_transition(case, S.IN_PROGRESS)
    assert "Ny" in str(error.value.message) and "Pågår" in str(error.value.message)
    assert kinds(case) == []


def test_close_needs_an_outcome_and_reopen_needs_a_reason(people, case):
    with pytest.raises(CaseActionError):
        services.case_close(case=case, user=people.handler, outcome="")
    services.case_close(case=case, user=people.handler, outcome="duplicate")
    with pytest.raises(CaseActionError):
        services.case_close(case=case, user=people.handler, outcome="answered")
    with pytest.raises(CaseActionError):
        services.case_reopen(case=case, user=people.handler, reason="  ")
    services.case_reopen(case=case, user=people.handler, reason="Företaget hörde av sig igen.")
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_at) == (S.NEW, "", None)
    assert kinds(case) == ["closed", "reopened"]


def test_first_contact_cannot_be_in_the_future_or_before_the_question(people, case):
    with pytest.raises(CaseActionError):
        services.case_record_first_contact(
            case=case, user=people.handler, channel="phone", at=WEDNESDAY + timedelta(hours=1)
        )
    with pytest.raises(CaseActionError):
        services.case_record_first_contact(
            case=case, user=people.handler, channel="phone", at=WEDNESDAY - timedelta(days=1)
        )
    with pytest.raises(CaseActionError):
        services.case_record_first_contact(
            case=case, user=people.handler, channel="fax", at=WEDNESDAY
        )


def test_referral_gives_the_receiving_office_its_own_deadline_and_keeps_the_original(
    people, case, frozen
):
    original = case.original_deadline_at
    people.skane_region_office.email = "export@region.example"
    people.skane_region_office.save(update_fields=["email"])
    services.case_claim(case=case, user=people.handler)
    frozen.shift(timedelta(hours=3))
    services.case_refer(
        case=case,
        user=people.handler,
        office=people.skane_region_office,
        reason="Gäller affärsutvecklingscheck.",
    )
    case.refresh_from_db()
    assert case.status == S.REFERRED
    assert case.office == people.skane_region_office
    assert case.handler is None
    assert case.original_deadline_at == original
    # 24 working hours from Wednesday 13:00 is Thursday 13:00.
    assert case.deadline_at == datetime(2026, 6, 4, 13, 0, tzinfo=STOCKHOLM)
    assert case.reminder_at == datetime(2026, 6, 4, 7, 0, tzinfo=STOCKHOLM)
    event = case.events.get(kind="referred")
    assert (event.from_value, event.to_value) == ("Almi Skåne", "Region Skåne")
    assert event.message == "Gäller affärsutvecklingscheck."
    # The receiving office is told, held to working hours.
    message = OutboxMessage.objects.get(kind="staff_referral")
    assert message.to == "export@region.example"
    assert case.reference in message.body_text
    # The receiving office's handler acknowledges; the original handler no longer sees it.
    assert not Case.objects.visible_to(people.handler).filter(pk=case.pk).exists()
    services.case_record_first_contact(
        case=case, user=people.region_handler, channel="meeting", at=WEDNESDAY + timedelta(hours=3)
    )
    case.refresh_from_db()
    assert case.status == S.CONTACTED
    assert case.first_contact_in_time is True


def test_referral_after_first_contact_is_acknowledged_without_rewriting_first_contact(
    people, case, frozen
):
    services.case_record_first_contact(
        case=case, user=people.handler, channel="phone", at=WEDNESDAY
    )
    services.case_refer(
        case=case, user=people.handler, office=people.skane_region_office, reason="Regionen."
    )
    frozen.shift(timedelta(hours=2))
    services.case_record_first_contact(
        case=case,
        user=people.region_handler,
        channel="email",
        at=WEDNESDAY + timedelta(hours=1),
    )
    case.refresh_from_db()
    assert case.first_contact_at == WEDNESDAY
    assert case.first_contact_channel == "phone"
    assert kinds(case) == ["first_contact", "referred", "referral_acknowledged"]


def test_coordinator_reassigns_within_the_county_without_touching_the_clock(people, case):
    clock = (case.deadline_at, case.original_deadline_at, case.reminder_at)
    services.case_reassign(
        case=case,
        user=people.coordinator,
        office=people.skane_region_office,
        handler=people.region_handler,
        reason="Region Skåne har exportrådgivaren för Tyskland",
    )
    case.refresh_from_db()
    assert (case.office, case.handler, case.status) == (
        people.skane_region_office,
        people.region_handler,
        S.ASSIGNED,
    )
    assert (case.deadline_at, case.original_deadline_at, case.reminder_at) == clock
    event = case.events.get(kind="reassigned")
    assert event.from_value == "Almi Skåne"
    assert event.to_value.startswith("Region Skåne /")


def test_reassign_refuses_an_office_outside_the_county_or_a_handler_of_another_office(people, case):
    with pytest.raises(CaseActionError):
        services.case_reassign(
            case=case, user=people.coordinator, office=people.dalarna_almi_office, reason="x"
        )
    with pytest.raises(CaseActionError):
        services.case_reassign(
            case=case,
            user=people.coordinator,
            office=people.skane_region_office,
            handler=people.handler,
            reason="x",
        )
    assert kinds(case) == []


def test_handlers_cannot_reassign_or_override(people, case):
    with pytest.raises(CaseActionError):
        services.case_reassign(
            case=case, user=people.handler, office=people.skane_region_office, reason="x"
        )
    with pytest.raises(CaseActionError):
        services.case_override_routing(
            case=case, user=people.handler, office=people.skane_region_office, reason="x"
        )


def test_override_routing_records_the_reason_and_keeps_the_engine_decision(people, case):
    services.case_override_routing(
        case=case,
        user=people.coordinator,
        office=people.skane_region_office,
        reason="Regionen har checkar för detta.",
    )
    case.refresh_from_db()
    assert case.office == people.skane_region_office
    assert case.assigned_actor == people.skane_region_office.actor
    decision = case.decision
    assert decision.override.reason == "Regionen har checkar för detta."
    assert decision.override.to_office == people.skane_region_office.pk
    assert decision.matches  # the engine's decision is kept beside the override
    event = case.events.get(kind="routing_overridden")
    assert (event.from_value, event.to_value) == ("Almi Skåne", "Region Skåne")


def test_claim_twice_is_refused(people, case):
    services.case_claim(case=case, user=people.handler)
    stale = Case.objects.get(pk=case.pk)
    stale.handler = None  # a copy loaded before the claim
    with pytest.raises(CaseActionError):
        services.case_claim(case=stale, user=people.handler)
    assert kinds(case) == ["claimed"]


def test_email_to_company_goes_through_the_outbox_and_is_visible_history(people, case):
    event = services.case_email_company(
        case=case, user=people.handler, subject="Om er fråga", body="Vi ringer i morgon."
    )
    assert event.internal is False
    message = OutboxMessage.objects.get(kind="company_message")
    assert message.to == case.email
    assert message.case == case
    assert "Vi ringer i morgon." in message.body_text
    assert case.reference in message.body_text
    # A mail to the company is not first contact by itself.
    case.refresh_from_db()
    assert case.first_contact_at is None


def test_email_to_company_keeps_the_subject_on_one_line(people, case):
    services.case_email_company(
        case=case, user=people.handler, subject="Om er fråga & mer", body="Hej."
    )
    assert OutboxMessage.objects.get(kind="company_message").subject == "Om er fråga & mer"
    with pytest.raises(CaseActionError):
        services.case_email_company(
            case=case,
            user=people.handler,
            subject="Om er fråga\r\nBcc: alla@example.com",
            body="Hej.",
        )
    assert OutboxMessage.objects.filter(kind="company_message").count() == 1


def test_notes_are_internal_and_national_staff_follow_up_but_do_not_handle(people, case):
    event = services.case_add_note(case=case, user=people.national, text="Följs upp.")
    assert event.internal is True
    assert case_actions_for(people.national, case) == {"note", "ask_coordinator", "reassign"}
    with pytest.raises(CaseActionError):
        services.case_close(case=case, user=people.national, outcome="answered")
