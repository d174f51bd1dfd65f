# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""A company files a question in Swedish (mouse and keyboard only), sees its receipt and status;
axe-clean form (empty and with errors), receipt, status and simulator."""

from __future__ import annotations

import re

import pytest

from routing.models import Case
from tests.browser.conftest import assert_accessible, fill_question_form
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    catalogue,
)

# live_server flushes the database after each test; `reference_data` reloads what it removed.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]

QUESTION = "Vi behöver ett lån för att finansiera en större order till Tyskland."


def test_company_files_a_question_and_follows_it(page, people, catalogue):
    page.goto("/fraga/")
    assert_accessible(page, "empty question form")
    fill_question_form(page, QUESTION)
    # the live county preview (JS) names the county before sending
    page.wait_for_function(
        "document.getElementById('county-preview').textContent.includes('Skåne')"
    )
    page.get_by_role("button", name="Skicka frågan").click()
    page.wait_for_url(re.compile(r"/fraga/kvitto/REC-\d{4}-\d{6}/"))

    case = Case.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == "Tack för din fråga"
    body = page.locator("main").inner_text()
    assert case.reference in body
    assert "Almi Företagspartner (Almi Skåne) kontaktar dig." in body
    assert "kl." in body and "Du blir kontaktad senast" in body
    assert "Region Skåne" in body and "Affärsutvecklingscheck för internationalisering" in body
    assert_accessible(page, "receipt")

    page.get_by_role("link", name="Visa status för frågan").click()
    page.wait_for_url(re.compile(r"/fraga/status/"))
    assert case.reference in page.get_by_role("heading", level=1).inner_text()
    assert "Tilldelad" in page.locator("main").inner_text()
    assert_accessible(page, "status page")


def test_errors_are_shown_at_the_fields_and_input_is_kept(page, people):
    page.goto("/fraga/")
    fill_question_form(page, QUESTION)
    page.get_by_label("Organisationsnummer").fill("556036-0794")
    page.get_by_label("Postnummer").fill("999 99")
    page.get_by_role("button", name="Skicka frågan").click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    org = page.get_by_label("Organisationsnummer")
    assert org.get_attribute("aria-invalid") == "true"
    assert org.input_value() == "556036-0794"
    assert page.get_by_label("Din fråga").input_value() == QUESTION
    assert "Vi hittar inte postnumret 999 99" in page.locator("#id_postal_code_error").inner_text()
    assert_accessible(page, "question form with errors")
    # the municipality select, grouped by county, fixes it
    page.get_by_label("Kommun").select_option("1280")
    page.get_by_label("Organisationsnummer").fill("556036-0793")
    page.get_by_role("button", name="Skicka frågan").click()
    page.wait_for_url(re.compile(r"/fraga/kvitto/"))
    assert Case.objects.get().municipality_id == "1280"


def test_keyboard_only(page, people, catalogue):
    page.goto("/fraga/")
    values = {
        "company_name": "Tangentbord AB",
        "org_number": "5560360793",
        "postal_code": "21120",
        "contact_name": "Tove Tangent",
        "email": "tove@example.se",
        "question": QUESTION,
    }
    visited: list[str] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name || ''")
        tag = page.evaluate("document.activeElement.tagName")
        assert name != "website", "the honeypot must not be reachable by keyboard"
        if name in values and name not in visited:
            page.keyboard.type(values[name])
            visited.append(name)
        elif name == "consent":
            page.keyboard.press("Space")
        elif tag == "BUTTON" and page.evaluate("document.activeElement.textContent").strip() == (
            "Skicka frågan"
        ):
            page.keyboard.press("Enter")
            break
    else:
        pytest.fail("the submit button was not reachable by keyboard")
    page.wait_for_url(re.compile(r"/fraga/kvitto/"))
    assert set(visited) == set(values)
    # follow the status link with the keyboard too
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == (
            "Visa status för frågan"
        ):
            page.keyboard.press("Enter")
            break
    else:
        pytest.fail("the status link was not reachable by keyboard")
    page.wait_for_url(re.compile(r"/fraga/status/"))
    assert Case.objects.get().company_name == "Tangentbord AB"


def test_visa_lan_without_javascript(browser, live_server, db):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, locale="sv-SE"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/fraga/")
        page.get_by_label("Postnummer").fill("791 31")
        page.get_by_label("Din fråga").fill(QUESTION)
        page.get_by_role("button", name="Visa län").click()
        page.wait_for_load_state()
        assert "Dalarnas län" in page.locator("#county-preview").inner_text()
        assert page.get_by_label("Din fråga").input_value() == QUESTION
    finally:
        context.close()


def test_simulator_is_accessible(page, login, people):
    login(people.coordinator.username)
    page.goto("/vagledning/simulator/")
    assert_accessible(page, "simulator (empty)")
    page.get_by_label("Fråga").fill("Vi behöver en kreditförsäkring för en order till Brasilien.")
    page.get_by_role("button", name="Simulera").click()
    page.wait_for_load_state()
    assert "Frågan dirigeras till EKN" in page.locator(".decision").inner_text()
    assert_accessible(page, "simulator with a decision")
    page.goto("/vagledning/regler/")
    assert_accessible(page, "rules list")
