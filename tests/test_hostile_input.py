"""Hostile input answers 4xx with a clear message, never 500 (issue 15 §2).

Each case here answered 500 before: NUL reaching PostgreSQL, dates that overflow when a period
is converted to UTC, "²" passing isdigit(), and a CSV field over the csv module's 128 KiB limit.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.forms import PeriodForm
from indicators.periods import period_from_dates, period_problem
from indicators.services import parse_participants_csv
from regions.models import CountyPageVersion
from tests.indicators.test_activities import form_data  # noqa: F401 - fixture

# --------------------------------------------------------------------------- one middleware


@pytest.mark.parametrize(
    "url",
    [
        "/fraga/?lan=%00",
        "/vagledning/simulator/?county=%00",
        "/vagledning/regler/?lan=%00",
        "/indikatorer/lan/%00/",
        "/arenden/%00/",
        "/fraga/?lan=%ff",
        "/exportcentrum/?q=%c3%28",
    ],
)
def test_nul_and_undecodable_bytes_in_path_or_query_are_a_400(client, people, url):
    client.force_login(people.national)
    response = client.get(url)
    assert response.status_code == 400
    assert "Felaktig förfrågan" in response.content.decode()


def test_nul_in_a_form_field_is_a_400_before_the_view(client, db):
    response = client.post("/fraga/", {"company_name": "Exempel\x00AB", "lan": "12"})
    assert response.status_code == 400


def test_undecodable_urlencoded_form_is_a_400(client, db):
    response = client.post(
        "/fraga/", b"company_name=%ff%fe", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_nul_in_a_multipart_field_is_a_400(client, people, form_data):  # noqa: F811
    client.force_login(people.coordinator)
    upload = SimpleUploadedFile("d.csv", b"556036-0793\n", content_type="text/csv")
    response = client.post(
        reverse("activity-create"), {**form_data, "title": "Besök\x00", "companies_file": upload}
    )
    assert response.status_code == 400


def test_ordinary_swedish_input_passes_the_guard(client, db):
    response = client.get("/exportcentrum/?q=Malm%C3%B6+%C3%85%C3%84%C3%96")
    assert response.status_code == 200


# --------------------------------------------------------------------------- one period parser


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(1, 1, 1), date(1, 1, 2), "from"),
        (date(2026, 1, 1), date(9999, 12, 31), "to"),
        (date(9999, 12, 30), date(9999, 12, 31), "from"),
        (date(2026, 3, 1), date(2026, 2, 1), "to"),
        (date(2001, 1, 1), date(2026, 1, 1), "to"),  # over five years
        (date(2026, 1, 1), None, "to"),
        (None, date(2026, 1, 1), "from"),
    ],
)
def test_period_parser_names_the_field_at_fault(start, end, field):
    problem = period_problem(start, end)
    assert problem is not None and problem.field == field
    form = PeriodForm(
        {"from": start.isoformat() if start else "", "to": end.isoformat() if end else ""}
    )
    assert not form.is_valid()
    assert field in form.errors


def test_period_parser_accepts_a_bounded_period():
    assert period_problem(date(2026, 1, 1), date(2026, 12, 31)) is None
    period = period_from_dates(date(2026, 1, 1), date(2026, 12, 31))
    assert period.end_at > period.start_at
    with pytest.raises(ValueError):
        period_from_dates(date(9999, 12, 30), date(9999, 12, 31))


@pytest.mark.parametrize(
    "url",
    [
        "/nationellt/?from=0001-01-01&to=0001-01-02",
        "/indikatorer/export.csv?from=9999-12-30&to=9999-12-31",
        "/indikatorer/export.xlsx?from=0001-01-01&to=9999-12-31",
    ],
)
def test_pages_and_exports_never_overflow(client, people, url):
    client.force_login(people.national)
    assert client.get(url).status_code == 200  # the default period, with the form's error


def test_coordinator_dashboard_shows_the_error_at_the_field(client, people):
    client.force_login(people.coordinator)
    response = client.get("/samordnare/indikatorer/?from=9999-12-30&to=9999-12-31")
    assert response.status_code == 200
    assert "Välj ett datum mellan 2000-01-01 och 2100-12-31" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=9999-12-30&to=9999-12-31", "from"),
        ("from=0001-01-01&to=0001-01-02", "from"),
        ("from=2001-01-01&to=2026-01-01", "to"),  # the API had no maximum span at all
        ("from=2026-01-01", "to"),
    ],
)
def test_indicator_api_answers_400_at_the_field(client, people, query, field):
    client.force_login(people.national)
    response = client.get(f"/api/v1/indicators/?{query}")
    assert response.status_code == 400
    assert field in response.json()


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999", "-1", "1e3"])
def test_version_number_is_parsed_as_a_bounded_decimal(client, people, value):
    client.force_login(people.coordinator)
    url = f"/exportcentrum/skane/redigera/introduktion/?fran={value}"
    assert client.get(url).status_code == 200


def test_a_real_version_number_still_opens_that_version(client, people):
    version = CountyPageVersion.objects.create(
        county=people.skane, introduction="Äldre text", editor=people.coordinator
    )
    client.force_login(people.coordinator)
    response = client.get(f"/exportcentrum/skane/redigera/introduktion/?fran={version.pk}")
    assert "Äldre text" in response.content.decode()


# --------------------------------------------------------------------------- CSV


def test_csv_field_over_128_kib_is_a_clear_error_not_csv_error():
    data = b'556036-0793;"' + b"x" * (200 * 1024) + b"\n212000-0142\n"
    parsed = parse_participants_csv(data)
    assert not parsed.companies
    assert "128 KiB" in parsed.bad_rows[0].reason


def test_csv_with_nul_is_refused():
    parsed = parse_participants_csv(b"556036-0793;A\x00B\n")
    assert not parsed.companies and parsed.bad_rows


def test_csv_fallback_dialect_leaves_the_csv_module_alone():
    import csv

    parse_participants_csv(b"x")
    assert csv.excel.delimiter == ","


def test_oversized_csv_field_in_the_upload_form_shows_at_the_field(client, people, form_data):  # noqa: F811
    client.force_login(people.coordinator)
    upload = SimpleUploadedFile(
        "d.csv", b'556036-0793;"' + b"x" * (200 * 1024) + b"\n", content_type="text/csv"
    )
    response = client.post(reverse("activity-create"), {**form_data, "companies_file": upload})
    assert response.status_code == 200
    form = response.context["form"]
    assert "companies_file" in form.errors
    assert "128 KiB" in response.content.decode()
