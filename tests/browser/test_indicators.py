"""Dashboards, activity registration and the company survey in Chromium, axe-checked."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from indicators.models import ActivityParticipant, SurveyInvitation, SurveyResponse
from indicators.services import survey_token
from tests.browser.conftest import assert_accessible
from tests.indicators.factories import CaseFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _reference_data(reference_data):
    """Every test here runs against a live server (transactional)."""


@pytest.fixture
def cases(people):
    now = timezone.now()
    for i, county in enumerate([people.skane, people.skane, people.dalarna]):
        created = now - timedelta(days=20 + i)
        CaseFactory(
            county=county,
            created_at=created,
            org_number=f"556036079{i}",
            first_contact_at=created + timedelta(hours=2 + 30 * i),
        )
    return people


def test_national_sees_map_opens_county_and_downloads_xlsx(page, login, cases):
    login(cases.national.username)
    page.goto("/nationellt/")
    assert page.get_by_role("heading", level=1).inner_text() == "Nationell översikt"
    assert page.locator("svg.county-map path.county").count() == 21
    assert page.get_by_text("CC BY 4.0").is_visible()
    assert_accessible(page, "national dashboard")

    # Sorting works in the page (JS) and keeps aria-sort in step.
    header = page.locator('th[data-sort-key="first_contact_in_time"]')
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"

    page.locator('svg.county-map a[aria-label^="Skåne"]').click()
    page.wait_for_url("**/indikatorer/lan/12/**")
    assert "Skåne" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page, "county drill-down")

    page.goto("/nationellt/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Alla indikatorer per län (Excel, XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    rows = list(workbook["Indikatorer"].iter_rows(values_only=True))
    assert len(rows) == 1 + 1 + 21


def test_coordinator_registers_an_activity_with_participants(page, login, people):
    login(people.coordinator.username)
    page.goto("/aktiviteter/ny/")
    assert_accessible(page, "activity form")
    page.get_by_label("Typ av aktivitet").select_option("seminar")
    page.get_by_label("Rubrik").fill("Exportseminarium om Tyskland")
    page.get_by_label("Datum").fill("2026-03-10")
    page.get_by_label("Almi Företagspartner").check()
    # A bad row first: nothing saved, the row reported, what was typed kept.
    page.get_by_label("Deltagande företag").fill("556036-0793; Exempel AB\n123456")
    page.get_by_role("button", name="Spara aktiviteten").click()
    page.wait_for_load_state()
    assert page.locator("#bad-rows").is_visible()
    assert page.get_by_label("Rubrik").input_value() == "Exportseminarium om Tyskland"
    assert_accessible(page, "activity form with errors")
    page.get_by_label("Deltagande företag").fill("556036-0793; Exempel AB\n212000-0142")
    page.get_by_role("button", name="Spara aktiviteten").click()
    page.wait_for_url("**/aktiviteter/*/")
    assert page.get_by_text("5560360793").is_visible()
    assert ActivityParticipant.objects.count() == 2
    assert_accessible(page, "activity detail")


def test_company_answers_the_survey_from_its_link(page, people):
    case = CaseFactory(
        county=people.skane,
        created_at=timezone.now() - timedelta(days=5),
        status="closed",
        closed_at=timezone.now() - timedelta(days=2),
    )
    invitation = SurveyInvitation.objects.create(
        case=case, kind="followup", created_at=timezone.now()
    )
    page.goto(f"/uppfoljning/{survey_token(invitation)}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hur gick det?"
    assert_accessible(page, "survey")
    page.get_by_role("button", name="Skicka svaren").click()  # nothing chosen: errors
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page, "survey with errors")
    page.get_by_role(
        "group", name="Kom ni i kontakt med rätt aktör inom en arbetsdag?"
    ).get_by_label("Ja").check()
    page.get_by_role("group", name="Fick ni den hjälp ni behövde?").get_by_label("Delvis").check()
    page.get_by_role("button", name="Skicka svaren").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Tack för era svar"
    answer = SurveyResponse.objects.get()
    assert (answer.right_actor_in_time, answer.got_help) == ("yes", "partly")
