"""recompute_deadlines: open cases with an outdated calendar get new clock columns and an event."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from routing.clock import STOCKHOLM, calendar_version
from routing.models import Case
from routing.services import case_close, case_record_first_contact, case_refer
from tests.routing.factories_cases import make_case

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=STOCKHOLM)
SUBMITTED = datetime(2026, 6, 9, 15, 0, tzinfo=STOCKHOLM)  # Tuesday → due Wednesday 15:00
RIGHT = datetime(2026, 6, 10, 15, 0, tzinfo=STOCKHOLM)
WRONG = datetime(2026, 6, 11, 15, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def outdated(people, **fields) -> Case:
    case = make_case(office=people.skane_almi_office, submitted_at=SUBMITTED, **fields)
    Case.objects.filter(pk=case.pk).update(
        calendar_version="SE public holidays==0.50; policy=working_day",
        deadline_at=WRONG,
        original_deadline_at=WRONG,
        deadline_trace="gammal",
    )
    case.refresh_from_db()
    return case


def run(*args) -> str:
    out = StringIO()
    call_command("recompute_deadlines", *args, stdout=out)
    return out.getvalue()


def test_outdated_open_case_is_recomputed_with_an_event(people):
    case = outdated(people)
    current = make_case(office=people.skane_almi_office, submitted_at=SUBMITTED)
    output = run()
    assert "1 öppna ärenden granskades, 1 ändrades" in output
    case.refresh_from_db()
    assert (case.deadline_at, case.original_deadline_at) == (RIGHT, RIGHT)
    assert case.calendar_version == calendar_version()
    assert case.deadline_trace.startswith("inkom tis 9 jun 15:00")
    event = case.events.get(kind="deadline_recomputed")
    assert event.from_value.startswith("2026-06-11T15:00")
    assert event.to_value.startswith("2026-06-10T15:00")
    assert not current.events.exists()
    assert run().startswith("0 öppna ärenden")  # idempotent


def test_dry_run_changes_nothing(people):
    case = outdated(people)
    output = run("--dry-run")
    assert f"{case.reference}: 2026-06-11" in output
    assert "1 skulle ändras" in output
    case.refresh_from_db()
    assert case.deadline_at == WRONG
    assert not case.events.exists()


def test_first_contact_keeps_the_original_deadline(people):
    case = outdated(people)
    case_record_first_contact(case=case, user=people.handler, channel="phone", at=NOW)
    run()
    case.refresh_from_db()
    assert case.deadline_at == RIGHT
    assert case.original_deadline_at == WRONG


def test_referred_case_counts_from_the_referral_and_keeps_the_original(people, frozen):
    case = make_case(office=people.skane_almi_office, submitted_at=SUBMITTED)
    case_refer(case=case, user=people.handler, office=people.skane_region_office, reason="Region")
    Case.objects.filter(pk=case.pk).update(calendar_version="old", deadline_at=WRONG)
    frozen.shift(timedelta(hours=5))
    run()
    case.refresh_from_db()
    assert case.deadline_at == datetime(2026, 6, 11, 10, 0, tzinfo=STOCKHOLM)
    assert case.original_deadline_at == RIGHT


def test_closed_cases_are_left_alone_and_all_takes_every_open_case(people):
    closed = outdated(people)
    case_close(case=closed, user=people.handler, outcome="duplicate")
    make_case(office=people.skane_almi_office, submitted_at=SUBMITTED)
    assert run().startswith("0 öppna ärenden")
    assert run("--all").startswith("1 öppna ärenden granskades, 0 ändrades")
    closed.refresh_from_db()
    assert closed.deadline_at == WRONG
