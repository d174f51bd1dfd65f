"""Indicator snapshots: equal to the live computation, served when fresh, recomputed when stale,
refreshed idempotently by the beat task, and scoped by the views although they hold every county.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from indicators.evaluation import compute_all, compute_by_month
from indicators.models import IndicatorSnapshot
from indicators.selectors import TREND_INDICATORS, actor_breakdown, counties
from indicators.snapshots import SnapshotData, preset_periods, snapshot_for, snapshot_refresh
from indicators.tasks import refresh_snapshots
from indicators.values import Period, Share, value_from_json, value_to_json
from tests.indicators.factories import (
    ActivityFactory,
    CaseFactory,
    escalation,
    local,
    referred_event,
    survey_answer,
)

NOW = local(2026, 4, 1, 8)
PERIOD = Period(date(2026, 2, 1), date(2026, 3, 31))
QUERY = {"from": "2026-02-01", "to": "2026-03-31"}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def data(db, frozen, people):
    """Two months, two counties, two actors and an unassigned case; Skåne has enough survey
    answers for a percentage, Dalarna does not ("för få svar")."""
    almi, region = people.skane_almi_office.actor, people.skane_region_office.actor
    for i in range(6):
        created = local(2026, 2 + i % 2, 3 + i, 10)
        case = CaseFactory(
            county=people.skane,
            org_number=f"556677-88{i:02d}",
            created_at=created,
            first_contact_at=created + timedelta(hours=1 + 20 * (i % 3)),
            assigned_actor=almi if i % 2 else region,
        )
        survey_answer(case, right_actor_in_time="yes" if i < 4 else "no", got_help="yes")
        if i == 2:
            referred_event(case)
            escalation(case, 1)
            escalation(case, 2)
    late = CaseFactory(county=people.skane, org_number="5566778800", created_at=local(2026, 3, 20))
    escalation(late, 1)
    CaseFactory(
        county=people.skane, org_number="556000-9999", created_at=local(2026, 3, 9), is_test=True
    )
    dalarna = CaseFactory(
        county=people.dalarna,
        org_number="556111-0001",
        created_at=local(2026, 3, 10, 9),
        first_contact_at=local(2026, 3, 10, 9, 45),
    )
    survey_answer(dalarna, right_actor_in_time="yes", got_help="partly")
    ActivityFactory(
        county=people.skane,
        date=date(2026, 3, 5),
        participant_count=12,
        companies=["556677-8800", "556222-2222"],
    )
    ActivityFactory(
        county=people.dalarna,
        kind="company_visit",
        date=date(2026, 2, 20),
        companies=["556111-0001"],
    )
    return people


def stored(period: Period = PERIOD) -> SnapshotData:
    """The snapshot as read back from the database (JSON round trip included)."""
    return SnapshotData.of(
        IndicatorSnapshot.objects.get(period_start=period.start, period_end=period.end)
    )


def normalised(response) -> str:
    """The page without what differs per request anyway (CSRF tokens, chart element ids)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return re.sub(r"chart\d+-", "chart-", html)


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --------------------------------------------------------------------------- values


def test_snapshot_equals_the_live_computation(data):
    snapshot_refresh(PERIOD)
    snap = stored()
    start, end = PERIOD.start, PERIOD.end

    national = compute_all(None, start, end)
    assert snap.values(None) == national
    # The fixture exercises every kind of value: counts, a median, a share and a suppressed one.
    assert national["cases_received"] == 8
    assert isinstance(national["median_hours_to_first_contact"], float)
    skane = snap.values("12")
    assert skane["survey_right_actor_in_time"] == Share(4, 6, min_answers=5)
    assert snap.values("20")["survey_right_actor_in_time"].too_few

    for county in counties():
        assert snap.values(county.code) == compute_all(county.code, start, end), county.code
        assert snap.monthly(county.code) == compute_by_month(
            TREND_INDICATORS, county.code, start, end
        ), county.code
        assert snap.actors(county.code) == actor_breakdown(county.code, PERIOD), county.code
    assert snap.monthly(None) == compute_by_month(TREND_INDICATORS, None, start, end)
    assert set(snap.monthly("12")["cases_received"]) == {date(2026, 2, 1), date(2026, 3, 1)}
    assert snap.actors(None) == actor_breakdown(None, PERIOD)
    assert len(snap.actors("12")) == 3  # two actors and "not assigned"


def test_values_survive_json():
    for value in (
        None,
        0,
        7,
        12.5,
        Decimal("1.50"),
        Share(3, 4),
        Share(2, 2, min_answers=5),
        Share(1, 9, answers=1, min_answers=5),
    ):
        back = value_from_json(value_to_json(value))
        assert back == value and type(back) is type(value)
    assert value_from_json(value_to_json(Share(2, 2, min_answers=5))).too_few


def test_pages_render_the_same_from_a_stored_snapshot(client, data):
    """The first request computes and renders; the next renders from the stored row."""
    url = reverse("national-dashboard")
    first = get(client, data.national, url, **QUERY)
    second = get(client, data.national, url, **QUERY)
    assert IndicatorSnapshot.objects.count() == 1
    assert normalised(first) == normalised(second)
    assert "för få svar" in second.content.decode()


# --------------------------------------------------------------------------- freshness


def test_warm_snapshot_serves_the_dashboard_in_few_queries(
    client, data, django_assert_max_num_queries
):
    snapshot_refresh(PERIOD)
    client.force_login(data.national)
    url = reverse("national-dashboard")
    with django_assert_max_num_queries(10):
        response = client.get(url, QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Siffrorna beräknades 1 april 2026 08:00" in html
    for i in range(30):
        CaseFactory(county=data.dalarna, org_number=f"55{i:08d}", created_at=local(2026, 3, 20))
    with django_assert_max_num_queries(10):
        again = client.get(url, QUERY)
    # Served from the snapshot: the new cases are not in it yet.
    assert again.context["national"]["cases_received"] == 8
    with django_assert_max_num_queries(10):
        assert get(client, data.national, reverse("indicator-export", args=["xlsx"]), **QUERY)
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/indicators/", QUERY).json()
    assert body["computed_at"].startswith("2026-04-01T")


def test_stale_snapshot_is_recomputed(client, data):
    snapshot_refresh(PERIOD)
    CaseFactory(county=data.dalarna, org_number="556333-3333", created_at=local(2026, 3, 21))
    assert snapshot_for(PERIOD).values(None)["cases_received"] == 8  # still fresh
    IndicatorSnapshot.objects.update(computed_at=NOW - timedelta(minutes=16))
    response = get(client, data.national, reverse("national-dashboard"), **QUERY)
    assert response.context["national"]["cases_received"] == 9
    assert IndicatorSnapshot.objects.get().computed_at == NOW


def test_max_age_comes_from_settings(data, settings):
    snapshot_refresh(PERIOD)
    IndicatorSnapshot.objects.update(computed_at=NOW - timedelta(minutes=3))
    settings.SNAPSHOT_MAX_AGE = timedelta(minutes=5)
    assert snapshot_for(PERIOD).computed_at == NOW - timedelta(minutes=3)
    settings.SNAPSHOT_MAX_AGE = timedelta(minutes=2)
    assert snapshot_for(PERIOD).computed_at == NOW


def test_custom_period_is_computed_and_stored_on_first_use(data):
    custom = Period(date(2026, 3, 1), date(2026, 3, 15))
    assert not IndicatorSnapshot.objects.exists()
    snap = snapshot_for(custom)
    assert snap.values(None) == compute_all(None, custom.start, custom.end)
    assert IndicatorSnapshot.objects.filter(period_start=custom.start).count() == 1


def test_live_parts_stay_live(client, data):
    """Open cases "just now" are counted per request, the period's figures come from the
    snapshot."""
    snapshot_refresh(PERIOD)
    url = reverse("coordinator-dashboard")
    before = get(client, data.coordinator, url, **QUERY).context
    CaseFactory(county=data.skane, org_number="556444-4444", created_at=local(2026, 3, 25))
    after = get(client, data.coordinator, url, **QUERY).context
    assert after["workload"]["open"] == before["workload"]["open"] + 1
    assert after["values"]["cases_received"] == before["values"]["cases_received"]


# --------------------------------------------------------------------------- the beat task


def test_refresh_task_is_idempotent(data):
    old = IndicatorSnapshot.objects.create(
        period_start=date(2025, 1, 1),
        period_end=date(2025, 1, 31),
        computed_at=NOW - timedelta(days=3),
        payload={},
    )
    assert refresh_snapshots() == 3
    first = {(s.period_start, s.period_end): s.payload for s in IndicatorSnapshot.objects.all()}
    assert refresh_snapshots() == 3
    second = {(s.period_start, s.period_end): s.payload for s in IndicatorSnapshot.objects.all()}
    assert first == second
    assert set(first) == {(p.start, p.end) for p in preset_periods()}
    assert set(first) == {
        (date(2026, 1, 1), date(2026, 4, 1)),
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2025, 5, 1), date(2026, 4, 1)),
    }
    assert not IndicatorSnapshot.objects.filter(pk=old.pk).exists()  # nobody refreshed it


def test_refresh_is_scheduled_every_ten_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["indicators-refresh-snapshots"]
    assert entry["task"] == "indicators.refresh_snapshots"
    assert entry["schedule"] == 600


def test_preset_pages_are_served_from_the_refreshed_snapshots(client, data):
    refresh_snapshots()
    computed = set(IndicatorSnapshot.objects.values_list("computed_at", flat=True))
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        for preset in ("this_year", "last_year", "last_12_months"):
            response = get(client, data.national, reverse("national-dashboard"), preset=preset)
            assert response.context["computed_at"] == NOW
    assert set(IndicatorSnapshot.objects.values_list("computed_at", flat=True)) == computed


# --------------------------------------------------------------------------- scoping


def test_coordinator_gets_no_other_countys_detail_from_the_snapshot(client, data):
    snapshot_refresh(PERIOD)
    assert "20" in IndicatorSnapshot.objects.get().payload["counties"]
    user = data.coordinator
    assert get(client, user, reverse("county-dashboard", args=["20"]), **QUERY).status_code == 404
    export = reverse("indicator-export", args=["csv"])
    assert get(client, user, export, county="20", **QUERY).status_code == 404
    assert get(client, user, "/api/v1/indicators/", county="20", **QUERY).status_code == 404
    # Their own export holds only their county, although the snapshot holds all.
    rows = list(
        csv.reader(
            io.StringIO(get(client, user, export, **QUERY).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert [r[0] for r in rows[1:]] == ["12"]
    # Their dashboard: own detail (actors of Skåne), other counties only in the headline table.
    context = get(client, user, reverse("coordinator-dashboard"), **QUERY).context
    assert context["values"] == compute_all("12", PERIOD.start, PERIOD.end)
    assert context["actors"] == actor_breakdown("12", PERIOD)
    assert {ind.key for ind in context["comparison"]} == set(context["rows"][0]["values"])
