"""Retention: personal data past its period is anonymised or deleted every night, and the
indicators of a period are the same before and after."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from indicators import definitions as d
from indicators.demo import load_demo_history
from indicators.models import ActivityParticipant, SurveyResponse
from indicators.snapshots import compute_payload
from privacy.models import ErasureRecord
from privacy.services import apply_retention, cases_anonymise, participants_anonymise
from regions.demo import load_demo_data
from routing.models import Case, CaseEvent, OutboxMessage


@pytest.fixture
def history(db):
    load_demo_data()
    load_demo_history(months=1)


def _last_four_weeks() -> d.Period:
    today = timezone.localdate()
    return d.Period(today - timedelta(days=28), today)


def test_every_indicator_is_the_same_after_anonymising_all_cases_of_a_period(history):
    period = _last_four_weeks()
    # Frozen: some figures depend on "now" (open cases past their deadline).
    with time_machine.travel(timezone.now(), tick=False):
        before = compute_payload(period)
        cases = Case.objects.filter(created_at__date__gte=period.start)
        assert cases.exclude(contact_name="").exists()
        cases_anonymise(list(cases), now=timezone.now())
        participants_anonymise(ActivityParticipant.objects.all())
        anonymised = Case.objects.filter(created_at__date__gte=period.start)
        assert not anonymised.exclude(email="").exists()
        assert not anonymised.filter(org_number__regex=r"^\d").exists()
        assert compute_payload(period) == before


def test_retention_removes_what_is_past_its_period_and_only_that(history):
    # Five years on, everything closed is past every period; cases still open are not.
    later = timezone.now() + timedelta(days=5 * 365)
    open_before = Case.objects.exclude(status=Case.Status.CLOSED).count()
    call_command("apply_retention", "--dry-run")
    preview = apply_retention(now=later, dry_run=True)
    assert preview["cases"] == Case.objects.filter(status=Case.Status.CLOSED).count() > 0
    assert not Case.objects.exclude(anonymised_at=None).exists(), "a dry run changes nothing"

    done = apply_retention(now=later)
    assert done["cases"] == preview["cases"]
    assert done.get("participants", 0) == preview.get("participants", 0)
    closed = Case.objects.filter(status=Case.Status.CLOSED)
    assert not closed.exclude(contact_name="").exists()
    assert not closed.exclude(question="").exists()
    assert Case.objects.exclude(status=Case.Status.CLOSED).exclude(contact_name="").count() == (
        open_before
    )
    assert not SurveyResponse.objects.exclude(comment="").exists()
    assert not OutboxMessage.objects.filter(state="sent").exclude(body_text="").exists()
    erased_events = CaseEvent.objects.filter(kind="anonymised_by_retention")
    assert erased_events.count() == done["cases"]
    assert set(erased_events.values_list("message", flat=True)) == {""}
    assert ErasureRecord.objects.get(kind="retention").counts == done

    # Idempotent: a second night finds nothing more to do.
    assert apply_retention(now=later) == {}


def test_nothing_recent_is_touched_and_the_command_has_a_dry_run(db, capsys):
    load_demo_data()
    call_command("apply_retention", "--dry-run")
    assert "would change 0 rows" in capsys.readouterr().out
    assert apply_retention(dry_run=True).get("cases", 0) == 0
    assert not ErasureRecord.objects.exists()


def test_the_nightly_task_is_on_the_beat_schedule():
    entries = {e["task"]: e for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["privacy.apply_retention"]["schedule"] == 24 * 60 * 60.0


def test_privacy_page_states_the_periods_from_settings(client, db, settings):
    settings.RETENTION_CLOSED_CASES_MONTHS = 30
    html = client.get("/personuppgifter/").content.decode()
    assert "30 månader" in html and "Avslutade ärenden" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/personuppgifter/").content.decode()
    assert "30 months" in html and "Closed cases" in html


def test_month_arithmetic_keeps_the_end_of_month():
    from datetime import UTC, datetime

    from privacy.services import months_before

    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1).date() == date(2026, 2, 28)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 36).date() == date(2023, 1, 15)
