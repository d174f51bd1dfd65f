"""Two sweeps racing on PostgreSQL, each on its own connection: every level exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection

from routing.clock import STOCKHOLM
from routing.escalation import escalation_sweep
from routing.models import Case, EscalationRecord, OutboxMessage, SweepRun
from tests.conftest import require, uses_postgres
from tests.routing.factories_cases import make_case

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=STOCKHOLM)  # Wednesday, working hours


def _race(sweeps: int) -> list[BaseException]:
    barrier = threading.Barrier(sweeps)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=10)
            escalation_sweep(NOW)
        except BaseException as exc:  # collected and asserted in the main thread
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run) for _ in range(sweeps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.postgres
@pytest.mark.parametrize("sweeps", [2, 4])
def test_concurrent_sweeps_escalate_each_level_exactly_once(reference_data, people, sweeps):
    require(uses_postgres(), "row locks with SKIP LOCKED need PostgreSQL")
    people.skane_almi_office.email = "skane@almi.example"
    people.skane_almi_office.save(update_fields=["email"])
    # 60 cases at every stage: reminder due, overdue, national, in both counties.
    cases = []
    for i in range(60):
        age = [timedelta(hours=20), timedelta(hours=30), timedelta(days=5)][i % 3]
        office = people.skane_almi_office if i % 2 else people.dalarna_almi_office
        cases.append(
            make_case(
                office=office,
                submitted_at=NOW - age - timedelta(minutes=i),
                handler=people.handler if office == people.skane_almi_office else None,
            )
        )
    with time_machine.travel(NOW, tick=False):
        errors = _race(sweeps)
    assert errors == []

    runs = list(SweepRun.objects.filter(kind="sweep"))
    assert len(runs) == sweeps
    assert all(run.finished_at and not run.error for run in runs)

    records = Counter(EscalationRecord.objects.values_list("case_id", "level"))
    assert records and set(records.values()) == {1}
    for case in Case.objects.all():
        expected = list(range(1, case.escalation_level + 1))
        assert sorted(level for (case_id, level) in records if case_id == case.pk) == expected
    assert sum(run.reminders for run in runs) == EscalationRecord.objects.filter(level=1).count()
    assert sum(run.overdue for run in runs) == EscalationRecord.objects.filter(level=2).count()
    assert EscalationRecord.objects.filter(level=3).count() == 20

    # Every overdue case in exactly one coordinator digest; at most one digest per run.
    digests = list(OutboxMessage.objects.filter(to="samordnare.skane@example.se"))
    skane_overdue = [c.reference for c in cases if c.county_id == "12" and c.deadline_at <= NOW]
    mentioned = Counter(ref for mail in digests for ref in skane_overdue if ref in mail.body_text)
    assert set(mentioned) == set(skane_overdue)
    assert set(mentioned.values()) == {1}
    assert len(digests) <= sum(1 for run in runs if run.overdue)
