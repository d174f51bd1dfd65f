"""The coordinator's journey in the browser, reading what the pages say: the county's case list
(open cases first, search, filters), reassigning with a reason, a county rule and what it
decides in the simulator, and an activity from registration to the county page to cancelling.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from routing.models import Case, OutboxMessage
from tests.browser.conftest import assert_accessible
from tests.browser.journey_text import assert_readable
from tests.conftest import ensure_reference_data
from tests.routing.factories_cases import make_case

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    # live_server tests are transactional: the flush between tests removes reference data.
    ensure_reference_data()


def test_coordinator_finds_cases_reassigns_one_and_sees_what_a_county_rule_decides(
    page, login, people
):
    people.skane_region_office.email = "region@skane.example"
    people.skane_region_office.save(update_fields=["email"])
    now = timezone.now()
    make_case(
        office=people.skane_almi_office,
        submitted_at=now - timedelta(days=300),
        status=Case.Status.CLOSED,
        closed_at=now - timedelta(days=290),
        company_name="Gammalt Stängt AB",
    )
    late = make_case(
        office=people.skane_almi_office,
        submitted_at=now - timedelta(days=4),
        company_name="Glasbruket i Skåne AB",
    )
    fresh = make_case(office=people.skane_region_office, submitted_at=now)
    login("samordnare.skane@example.se")

    # The county list: open cases, nearest deadline first; the closed one is not on page one.
    page.get_by_role("link", name="Länets ärenden").click()
    page.wait_for_load_state()
    text = assert_readable(page, "county list")
    assert text.index(late.reference) < text.index(fresh.reference)
    assert "Gammalt Stängt AB" not in text
    assert_accessible(page, "county list")
    page.get_by_label("Sök").fill("glasbruket")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_load_state()
    rows = page.get_by_role("table").get_by_role("row")
    assert rows.count() == 2 and late.reference in rows.nth(1).inner_text()
    page.get_by_role("link", name="Rensa filter").click()
    page.get_by_label("Kontor").select_option(label="Region Skåne")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_load_state()
    text = assert_readable(page, "county list by office")
    assert fresh.reference in text and late.reference not in text

    # Reassigning asks why, and the new office gets the reason by e-mail.
    page.goto(f"/arenden/{late.reference}/")
    panel = page.get_by_role("region", name="Omfördela inom länet")
    panel.get_by_label("Kontor").select_option(label="Region Skåne")
    panel.get_by_role("button", name="Omfördela").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").filter(has_text="Skäl").first.is_visible()
    panel = page.get_by_role("region", name="Omfördela inom länet")
    panel.get_by_label("Skäl").fill("Almi Skåne är underbemannat den här veckan")
    panel.get_by_role("button", name="Omfördela").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="Ärendet är omfördelat").is_visible()
    mail = OutboxMessage.objects.get(kind="staff_reassigned")
    assert mail.to == "region@skane.example" and "underbemannat" in mail.body_text
    link = next(word for word in mail.body_text.split() if word.startswith("http"))
    assert page.goto(link).status == 200

    # A county rule: the form says what the weight does; the change page reads as words.
    page.goto("/vagledning/regler/ny/12/")
    assert "går alltid före" in page.locator("main").inner_text()
    assert_accessible(page, "rule form")
    page.get_by_label("Namn").fill("Skåne: kreditförsäkring till Almi")
    page.get_by_label("Nyckelord").fill("kreditförsäkr, credit insurance")
    page.get_by_label("Aktör", exact=True).select_option(value="almi")
    page.get_by_label("Vikt").fill("0.5")
    page.get_by_role("button", name="Spara").first.click()
    page.wait_for_load_state()
    text = assert_readable(page, "rule change")
    assert "Regeln skapades" in text and "kreditförsäkr, credit insurance" in text
    assert "Skåne län" in text
    assert_accessible(page, "rule change")

    # The simulator shows which rule decided and why.
    page.goto("/vagledning/simulator/")
    page.get_by_label("Fråga").fill("Vi behöver en kreditförsäkring")
    page.get_by_role("button", name="Simulera").click()
    page.wait_for_load_state()
    text = assert_readable(page, "simulator")
    assert "Frågan dirigeras till Almi" in text
    assert "Länsregeln ”Skåne: kreditförsäkring till Almi” avgjorde" in text
    assert_accessible(page, "simulator")


def test_coordinator_puts_an_activity_on_the_county_page_edits_and_cancels_it(page, login, people):
    login("samordnare.skane@example.se")
    page.goto("/aktiviteter/ny/")
    page.get_by_label("Typ av aktivitet").select_option(label="Seminarium")
    page.get_by_label("Rubrik").fill("Exportseminarium om Tyskland")
    page.get_by_label("Datum").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    page.get_by_label("Almi Företagspartner").check()
    page.get_by_label("Visa på länets sida").check()
    page.get_by_label("Anmälningslänk").fill("https://exempel.se/anmalan")
    page.get_by_label("Deltagande företag").fill("123")
    page.get_by_role("button", name="Spara aktiviteten").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary").first
    assert "1 rad har fel" in summary.inner_text()
    assert_accessible(page, "activity form with errors")
    page.get_by_label("Deltagande företag").fill("556036-0793; Exempel AB")
    page.get_by_role("button", name="Spara aktiviteten").click()
    page.wait_for_load_state()
    assert_readable(page, "activity page")
    assert_accessible(page, "activity page")

    page.goto(f"/exportcentrum/{people.skane.slug}/")
    upcoming = page.get_by_role("region", name="Kommande aktiviteter")
    assert "Exportseminarium om Tyskland" in upcoming.inner_text()
    assert upcoming.get_by_role("link", name="Anmäl dig").get_attribute("href") == (
        "https://exempel.se/anmalan"
    )

    page.go_back()
    page.get_by_role("link", name="Ändra aktiviteten").click()
    page.wait_for_load_state()
    assert_accessible(page, "activity edit")
    page.get_by_label("Rubrik").fill("Exportseminarium om Tyskland och Österrike")
    page.get_by_role("button", name="Spara ändringarna").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Exportseminarium om Tyskland och Österrike"
    )
    page.get_by_role("link", name="Ställ in aktiviteten").click()
    page.wait_for_load_state()
    assert_accessible(page, "activity cancel")
    page.get_by_role("button", name="Ställ in aktiviteten").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="är inställd").is_visible()
    page.goto(f"/exportcentrum/{people.skane.slug}/")
    assert "Exportseminarium" not in page.locator("main").inner_text()
