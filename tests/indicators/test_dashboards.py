"""Dashboards, exports and the API: what each person may see (out of scope answers 404)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from indicators.exports import pseudonym, swedish_number
from indicators.models import Activity, IndicatorSnapshot
from tests.indicators.factories import ActivityFactory, CaseFactory, local, survey_answer

PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture
def data(db, people):
    with time_machine.travel(local(2026, 4, 1, 8), tick=False):
        for i, county in enumerate([people.skane, people.skane, people.dalarna]):
            case = CaseFactory(
                county=county,
                org_number=f"556677-889{i}",
                created_at=local(2026, 3, 2 + i, 10),
                first_contact_at=local(2026, 3, 2 + i, 12),
                assigned_actor=people.skane_almi_office.actor,
            )
            survey_answer(case, right_actor_in_time="yes", got_help="yes")
        CaseFactory(
            county=people.skane,
            org_number="556000-0000",
            created_at=local(2026, 3, 9),
            is_test=True,
        )
        ActivityFactory(
            county=people.skane,
            date=date(2026, 3, 5),
            participant_count=12,
            companies=["556677-8890", "556111-1111"],
        )
        yield people


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --------------------------------------------------------------------------- national


def test_national_dashboard_shows_map_table_and_charts(client, data):
    with time_machine.travel(local(2026, 4, 1, 8), tick=False):
        response = get(client, data.national, reverse("national-dashboard"), **PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="county"') == 21
    assert "CC BY 4.0" in html
    assert 'data-county="vastra-gotaland"' in html
    assert "<title>Skåne län: 100 %</title>" in html
    assert 'role="img"' in html and "<caption>" in html
    assert reverse("county-dashboard", args=["12"]) in html
    # Two answers in Skåne: "för få svar", never a percentage.
    assert "för få svar" in html


@pytest.mark.parametrize("who", ["handler", "region_handler", "coordinator", "company"])
def test_national_dashboard_denies_others(client, data, who):
    assert get(client, getattr(data, who), reverse("national-dashboard")).status_code == 404


def test_national_dashboard_needs_login(client, data):
    response = client.get(reverse("national-dashboard"))
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_national_dashboard_query_count_is_constant(client, data, django_assert_max_num_queries):
    """Cold (no snapshot yet, so the page computes one): as many queries whatever the data.
    The warm page is covered in test_snapshots."""
    client.force_login(data.national)
    url = reverse("national-dashboard")
    with CaptureQueriesContext(connection) as before:
        client.get(url, PERIOD)
    for i in range(30):
        CaseFactory(county=data.dalarna, org_number=f"55{i:08d}", created_at=local(2026, 3, 20))
    IndicatorSnapshot.objects.all().delete()
    with CaptureQueriesContext(connection) as after:
        response = client.get(url, PERIOD)
    assert len(after) == len(before)
    # Recomputed, so the new cases are in the figures.
    assert response.context["national"]["cases_received"] == 33


def test_sort_by_share_server_side(client, data):
    response = get(
        client,
        data.national,
        reverse("national-dashboard"),
        sort="-first_contact_in_time",
        **PERIOD,
    )
    html = response.content.decode()
    assert 'aria-sort="descending" data-sort-key="first_contact_in_time"' in html


def test_invalid_period_keeps_input_and_shows_error(client, data):
    response = get(
        client,
        data.national,
        reverse("national-dashboard"),
        **{"from": "2026-03-31", "to": "2026-03-01"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html
    assert 'value="2026-03-31"' in html
    assert "error-summary" in html


def test_preset_this_year(client, data):
    with time_machine.travel(local(2026, 4, 1, 8), tick=False):
        response = get(client, data.national, reverse("national-dashboard"), preset="this_year")
    assert "2026-01-01 – 2026-04-01" in response.content.decode() or response.context[
        "period"
    ].start == date(2026, 1, 1)


# --------------------------------------------------------------------------- county detail


def test_national_drills_down_into_any_county(client, data):
    response = get(client, data.national, reverse("county-dashboard", args=["20"]), **PERIOD)
    assert response.status_code == 200
    assert "Dalarna" in response.content.decode()


def test_coordinator_sees_own_detail_and_everyones_headlines(client, data):
    response = get(client, data.coordinator, reverse("coordinator-dashboard"), **PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Indikatorer för Skåne" in html
    assert "Jämför med andra län" in html
    assert html.count("<tr") > 21  # every county in the comparison table
    assert response.context["workload"]["open"] == 2  # the test case is excluded


def test_coordinator_cannot_open_another_countys_detail(client, data):
    assert (
        get(client, data.coordinator, reverse("county-dashboard", args=["20"])).status_code == 404
    )
    assert (
        get(client, data.coordinator, reverse("county-dashboard", args=["12"])).status_code == 200
    )
    assert (
        get(client, data.coordinator, reverse("county-dashboard", args=["99"])).status_code == 404
    )


@pytest.mark.parametrize("who", ["handler", "other_handler", "company", "national"])
def test_coordinator_dashboard_only_for_coordinators(client, data, who):
    assert get(client, getattr(data, who), reverse("coordinator-dashboard")).status_code == 404


@pytest.mark.parametrize("who", ["handler", "company"])
def test_handlers_have_no_county_dashboard(client, data, who):
    assert (
        get(client, getattr(data, who), reverse("county-dashboard", args=["12"])).status_code == 404
    )


# --------------------------------------------------------------------------- exports


def test_national_xlsx_has_every_county_and_the_country(client, data):
    response = get(client, data.national, reverse("indicator-export", args=["xlsx"]), **PERIOD)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Indikatorer"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 1 + 21
    assert rows[1][:2] == ("00", "Hela landet")
    header = rows[0]
    skane = next(r for r in rows if r[0] == "12")
    assert skane[header.index("Inkomna frågor")] == 2
    assert skane[header.index("Unika företag (ärenden och aktiviteter)")] == 3
    survey_col = header.index(
        "Andel tillfrågade företag som nådde rätt aktör inom en arbetsdag (%)"
    )
    assert skane[survey_col] == "för få svar"


def test_coordinator_csv_is_own_county_only(client, data):
    response = get(client, data.coordinator, reverse("indicator-export", args=["csv"]), **PERIOD)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["12"]


def test_csv_is_swedish_excel_decimal_comma_and_readable_headers(client, data):
    response = get(client, data.national, reverse("indicator-export", args=["csv"]), **PERIOD)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Länskod", "Län"]
    assert "Inkomna frågor" in rows[0]
    cells = [cell for row in rows[1:] for cell in row[4:]]
    assert not [cell for cell in cells if re.fullmatch(r"-?\d+\.\d+", cell)]
    assert swedish_number(83.6) == "83,6"
    assert swedish_number(2.0) == "2"
    assert swedish_number(12) == 12


def test_coordinator_cannot_export_another_county(client, data):
    url = reverse("indicator-export", args=["xlsx"])
    assert get(client, data.coordinator, url, county="20").status_code == 404
    assert get(client, data.coordinator, reverse("panel-export"), county="20").status_code == 404


@pytest.mark.parametrize("who", ["handler", "company"])
def test_exports_deny_handlers(client, data, who):
    user = getattr(data, who)
    assert get(client, user, reverse("indicator-export", args=["csv"])).status_code == 404
    assert get(client, user, reverse("panel-export")).status_code == 404


def test_panel_is_pseudonymised_and_scoped(client, data):
    response = get(client, data.coordinator, reverse("panel-export"), **PERIOD)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "556677" not in body
    readable, *lines = body.splitlines()
    assert readable.startswith("Företag (pseudonym);Länskod;Län;")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))  # codes as keys
    assert {(r["county_code"], r["county"]) for r in rows} == {("12", "Skåne län")}
    cases = [r for r in rows if r["record"] == "Ärende"]
    assert len(cases) == 2  # the test case is not in the panel
    activities = [r for r in rows if r["record"] == "Aktivitet"]
    assert len(activities) == 2
    # The same company links up across a case and an activity, through the keyed hash.
    assert pseudonym("5566778890") in {r["company"] for r in cases} & {
        r["company"] for r in activities
    }
    assert cases[0]["survey_right_actor_in_time"] == "Ja"
    kinds = {str(label) for _value, label in Activity.Kind.choices}
    assert {r["activity_kind"] for r in activities} <= kinds


def test_pseudonym_is_keyed():
    assert pseudonym("556677-8899", key="a") == pseudonym("5566778899", key="a")
    assert pseudonym("556677-8899", key="a") != pseudonym("556677-8899", key="b")


# --------------------------------------------------------------------------- API


def test_api_national_country_and_any_county(client, data):
    client.force_login(data.national)
    body = client.get("/api/v1/indicators/", PERIOD).json()
    assert body["county"] is None
    values = {i["key"]: i for i in body["indicators"]}
    assert values["cases_received"]["value"] == 3
    assert values["first_contact_in_time"]["value"] == 1.0
    body = client.get("/api/v1/indicators/", {**PERIOD, "county": "20"}).json()
    assert body["county"] == "20"


def test_api_suppresses_small_survey_cells(client, data):
    client.force_login(data.national)
    body = client.get("/api/v1/indicators/", {**PERIOD, "county": "12"}).json()
    right = next(i for i in body["indicators"] if i["key"] == "survey_right_actor_in_time")
    assert right["too_few_answers"] is True
    assert right["value"] is None and right["numerator"] is None


def test_api_coordinator_own_county_only(client, data):
    client.force_login(data.coordinator)
    assert client.get("/api/v1/indicators/", PERIOD).json()["county"] == "12"
    assert client.get("/api/v1/indicators/", {**PERIOD, "county": "12"}).status_code == 200
    assert client.get("/api/v1/indicators/", {**PERIOD, "county": "20"}).status_code == 404


@pytest.mark.parametrize("who", ["handler", "company"])
def test_api_denies_handlers(client, data, who):
    client.force_login(getattr(data, who))
    assert client.get("/api/v1/indicators/").status_code == 404


def test_api_rejects_bad_period(client, data):
    client.force_login(data.national)
    response = client.get("/api/v1/indicators/", {"from": "2026-03-31", "to": "2026-03-01"})
    assert response.status_code == 400


def test_national_dashboard_shows_a_stale_sweep_in_red(client, people):
    """Watch the watcher: with no sweep recorded the dashboard says the watch is not running."""
    client.force_login(people.national)
    html = client.get("/nationellt/").content.decode()
    assert 'id="sweep-status"' in html
    assert 'class="status-banner"' in html  # not "status-banner ok"


def test_national_dashboard_shows_a_fresh_sweep_as_running(client, people):
    from django.utils import timezone

    from routing.models import SweepRun

    now = timezone.now()
    SweepRun.objects.create(started_at=now, finished_at=now)
    client.force_login(people.national)
    html = client.get("/nationellt/").content.decode()
    assert 'class="status-banner ok"' in html


def test_coordinator_dashboard_flags_services_not_reviewed_for_a_year(client, people):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import ServiceFactory

    people.skane.export_centre.participants.add(people.skane_region_office.actor)
    old = ServiceFactory(
        actor=people.skane_region_office.actor,
        title="Gammal exportcheck",
        reviewed_at=timezone.now() - timedelta(days=400),
    )
    old.counties.set([people.skane])
    ServiceFactory(
        actor=people.skane_region_office.actor, title="Färsk tjänst", reviewed_at=timezone.now()
    ).counties.set([people.skane])
    client.force_login(people.coordinator)
    html = client.get(reverse("coordinator-dashboard")).content.decode()
    assert 'id="stale-services"' in html
    assert "Gammal exportcheck" in html
    assert "Färsk tjänst" not in html
