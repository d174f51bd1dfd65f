"""Registering a question that came in by telephone, in the browser: from the inbox to the form,
errors at the fields with the input kept, then a call answered on the spot; axe-clean pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from routing.clock import STOCKHOLM
from routing.models import Case
from tests.browser.conftest import assert_accessible
from tests.conftest import ensure_reference_data

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    ensure_reference_data()


def test_handler_registers_a_call_answered_on_the_spot(page, login, people):
    login("almi.skane@example.se")
    page.goto("/handlaggare/")
    page.get_by_role("link", name="Registrera en fråga som kom in per telefon").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Registrera en fråga")
    assert_accessible(page, "registration form")

    # Nothing chosen or filled in: the errors are at the fields, what was typed stays.
    page.locator("#id_company_name").fill("Telefonbolaget AB")
    page.get_by_role("button", name="Registrera frågan").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").first.is_visible()
    assert page.locator("#id_company_name").input_value() == "Telefonbolaget AB"
    assert page.locator("#id_org_number").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "registration form with errors")

    called = timezone.localtime(timezone.now() - timedelta(hours=1), STOCKHOLM)
    page.get_by_role("radio", name="Telefon").check()
    page.locator("#id_received_at").fill(called.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_org_number").fill("556036-0793")
    page.locator("#id_postal_code").fill("211 20")
    page.locator("#id_contact_name").fill("Karin Exempel")
    page.locator("#id_email").fill("karin@telefonbolaget.example")
    page.locator("#id_question").fill("Hur fakturerar vi en kund i Norge utan moms?")
    page.select_option("#id_answered_outcome", "answered")
    page.get_by_role("button", name="Registrera frågan").click()
    page.wait_for_load_state()

    case = Case.objects.get()
    assert case.reference in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("status").filter(has_text="besvarad och avslutad").is_visible()
    assert (case.intake_channel, case.status, case.outcome) == ("phone", "closed", "answered")
    assert case.first_contact_at == called.replace(second=0, microsecond=0)
    assert case.handler == people.handler
    assert_accessible(page, "case page of a registered question")
