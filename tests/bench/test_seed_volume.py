"""seed_volume: realistic bulk cases (SQL on PostgreSQL, bulk_create elsewhere), --due, --reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bench.management.commands import seed_volume
from routing.clock import STOCKHOLM
from routing.deadlines import case_clock_fields
from routing.escalation import due_cases
from routing.models import Case


def _seeded():
    return Case.objects.filter(reference__startswith=seed_volume.PREFIX)


def _seed(**options) -> None:
    call_command("seed_volume", stdout=open("/dev/null", "w"), **options)  # noqa: SIM115


def test_bulk_cases_are_realistic_and_never_due(db):
    _seed(cases=400, years=3, open_share=0.1)
    cases = _seeded()
    assert cases.count() == 400
    assert cases.values("county_id").distinct().count() > 15
    now = timezone.now()
    assert cases.filter(created_at__lt=now - timedelta(days=365)).exists()
    closed = cases.filter(status=Case.Status.CLOSED)
    assert 300 < closed.count() < 400
    assert not closed.filter(first_contact_at=None).exists()
    assert not closed.filter(closed_at=None).exists()
    assert not closed.filter(outcome="").exists()
    assert not closed.filter(closed_at__lt=timezone.now() - timedelta(days=365 * 3 + 30)).exists()
    open_cases = cases.exclude(status=Case.Status.CLOSED)
    assert open_cases.exists()
    assert not open_cases.exclude(outcome="").exists()
    for level in (1, 2, 3):
        assert not due_cases(level, now).exists()
    for case in cases.order_by("?")[:40]:
        assert case.reminder_at < case.deadline_at < case.national_escalation_at
        assert case.original_deadline_at == case.deadline_at
        assert case.municipality.county_id == case.county_id
        if case.first_contact_at:
            assert case.first_contact_at > case.created_at


def test_clock_columns_match_the_working_day_clock(db):
    """The SQL path approximates the clock (DST changes aside); elsewhere it is exact."""
    _seed(cases=200, years=1)
    for case in _seeded().order_by("reference")[:60]:
        exact = case_clock_fields(case.created_at)
        for column in ("deadline_at", "reminder_at", "national_escalation_at"):
            local = exact[column].astimezone(STOCKHOLM)
            if (local.hour, local.minute, local.second) == (0, 0, 0):
                # Ending exactly at midnight: the end of one working day and the start of the
                # next are the same working instant; the SQL path names the next one.
                continue
            assert abs(getattr(case, column) - exact[column]) <= timedelta(hours=1), column


def test_due_gives_exactly_n_per_level_and_replaces_earlier_ones(db):
    _seed(cases=100, due=4)
    now = timezone.now()
    assert [due_cases(level, now).count() for level in (1, 2, 3)] == [4, 4, 4]
    _seed(due=2)
    assert [due_cases(level, timezone.now()).count() for level in (1, 2, 3)] == [2, 2, 2]
    assert _seeded().exclude(reference__startswith=seed_volume.DUE_PREFIX).count() == 100


def test_reset_removes_seeded_cases_only(db):
    _seed(cases=50, due=1)
    other = Case.objects.exclude(reference__startswith=seed_volume.PREFIX).count()
    _seed(reset=True)
    assert not _seeded().exists()
    assert Case.objects.count() == other


def test_same_seed_same_cases(db):
    _seed(cases=30)
    first = list(_seeded().order_by("reference").values_list("created_at", "county_id"))
    _seed(reset=True)
    _seed(cases=30)
    again = list(_seeded().order_by("reference").values_list("created_at", "county_id"))
    assert [county for _at, county in first] == [county for _at, county in again]
    # Times are relative to now, which moved on between the runs.
    gaps = [b - a for (a, _), (b, _) in zip(first, again, strict=True)]
    assert max(gaps) - min(gaps) < timedelta(seconds=5)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="index rebuild is PostgreSQL's")
def test_large_inserts_rebuild_every_index(db, monkeypatch):
    def indexes() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'routing_case' ORDER BY 1"
            )
            return [row[0] for row in cursor.fetchall()]

    before = indexes()
    monkeypatch.setattr(seed_volume, "REBUILD_FROM", 1)
    _seed(cases=20)
    assert _seeded().count() == 20
    assert indexes() == before
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


@pytest.mark.parametrize("command", ["seed_volume", "seed_activities"])
def test_benchmark_seeders_refuse_production(db, settings, command):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command(command, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not _seeded().exists()
