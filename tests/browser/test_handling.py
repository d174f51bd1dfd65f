"""Case handling in the browser: a handler claims a new case and records first contact; a
coordinator finds an overdue case and reassigns it; axe-clean pages; the countdown ticks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from routing.escalation import escalation_sweep
from routing.models import Case
from tests.browser.conftest import assert_accessible
from tests.conftest import ensure_reference_data
from tests.routing.factories_cases import make_case

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    # live_server tests are transactional: the flush between tests removes reference data.
    ensure_reference_data()


def test_handler_sees_new_case_with_countdown_claims_it_and_records_first_contact(
    page, login, people
):
    case = make_case(office=people.skane_almi_office, submitted_at=timezone.now())
    page.clock.install()
    login("almi.skane@example.se")
    page.goto("/handlaggare/")
    assert page.get_by_role("heading", level=1).inner_text() == "Inkorg"
    queue = page.get_by_role("table", name="Otagna ärenden på ditt kontor")
    row = queue.get_by_role("row").filter(has_text=case.reference)
    countdown = row.locator("[data-left] time")
    assert countdown.get_attribute("datetime")
    before = countdown.inner_text()
    assert before.endswith("kvar")
    assert_accessible(page, "handler inbox")

    # The countdown moves without a reload while the working-day clock runs.
    page.evaluate(
        "document.querySelector('[data-countdown-root]')"
        ".setAttribute('data-runs-until', new Date(Date.now() + 864e5).toISOString())"
    )
    page.clock.run_for(31 * 60 * 1000)
    after = countdown.inner_text()
    assert after != before and after.endswith("kvar")

    row.get_by_role("link", name=case.reference).click()
    page.wait_for_load_state()
    assert case.reference in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page, "case page (handler)")
    page.get_by_role("button", name="Ta ärendet").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="Du har tagit ärendet").is_visible()

    # Submitting without a channel shows the error at the field, then a correct submit.
    page.get_by_role("button", name="Registrera kontakt").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").first.is_visible()
    assert_accessible(page, "case page with form errors")
    page.get_by_role("radio", name="Telefon").check()
    page.get_by_role("button", name="Registrera kontakt").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="Första kontakt är registrerad").is_visible()
    case.refresh_from_db()
    assert case.status == Case.Status.CONTACTED
    assert case.first_contact_channel == "phone"
    assert page.locator("#history").filter(has_text="Första kontakt").is_visible()


def test_coordinator_sees_overdue_case_and_reassigns_it(page, login, people):
    overdue = make_case(
        office=people.skane_almi_office, submitted_at=timezone.now() - timedelta(days=10)
    )
    make_case(office=None, county=people.skane, in_triage=True, submitted_at=timezone.now())
    escalation_sweep()
    login("samordnare.skane@example.se")
    page.goto("/samordnare/arenden/")
    assert_accessible(page, "coordinator: all cases")
    page.get_by_role("link", name="Triagekö").click()
    page.wait_for_load_state()
    assert_accessible(page, "coordinator: triage")
    page.get_by_role("link", name="Försenade", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page, "coordinator: overdue")
    first = page.get_by_role("table").get_by_role("row").nth(1)
    assert overdue.reference in first.inner_text()
    assert "Nivå 3" in first.inner_text()
    assert "Försenat" in first.inner_text()

    first.get_by_role("link", name=overdue.reference).click()
    page.wait_for_load_state()
    assert_accessible(page, "case page (coordinator)")
    panel = page.get_by_role("region", name="Omfördela inom länet")
    panel.get_by_label("Kontor").select_option(label="Region Skåne")
    panel.get_by_label("Handläggare (valfritt)").select_option(
        label="region.skane@example.se – Region Skåne"
    )
    panel.get_by_label("Skäl").fill("Region Skåne har exportrådgivaren för Tyskland")
    panel.get_by_role("button", name="Omfördela").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="Ärendet är omfördelat").is_visible()
    overdue.refresh_from_db()
    assert (overdue.office, overdue.handler) == (people.skane_region_office, people.region_handler)
    assert page.locator("#history").filter(has_text="Omfördelat").is_visible()


def test_national_overdue_page_is_accessible(page, login, people):
    make_case(office=people.skane_almi_office, submitted_at=timezone.now() - timedelta(days=10))
    escalation_sweep()
    login("nationell@example.se")
    page.goto("/nationellt/forsenade/")
    assert page.locator("#sweep-status").filter(has_text="i drift").is_visible()
    assert_accessible(page, "national overdue")
