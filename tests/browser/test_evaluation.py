"""A national user sets up an experiment in Chromium: create, assign, balance, estimate (axe)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evaluation.models import Experiment
from tests.browser.conftest import assert_accessible
from tests.indicators.factories import CaseFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _reference_data(reference_data):
    """Every test here runs against a live server (transactional)."""


@pytest.fixture
def history(people):
    """Cases in the year before the start describe the counties for the balance table."""
    now = timezone.now()
    bands = ["1-9", "10-49", "50-249"]
    for i in range(12):
        county = people.skane if i % 2 else people.dalarna
        CaseFactory(
            county=county,
            created_at=now - timedelta(days=10 + i),
            org_number=f"55603607{i:02d}",
            employees=bands[i % 3],
        )
    return people


def test_national_user_creates_assigns_and_reads_an_experiment(page, login, history):
    login(history.national.username)
    page.goto("/nationellt/")
    page.get_by_role("link", name="Försök", exact=True).click()
    page.get_by_role("link", name="Nytt försök").click()
    assert_accessible(page, "new experiment form")

    page.get_by_label("Namn", exact=True).fill("Proaktiv återkoppling")
    page.get_by_label("Åtgärd", exact=True).fill("Handläggaren ringer upp inom fyra timmar.")
    page.get_by_label("Text för handläggaren").fill("Försök: proaktiv återkoppling inom 4 timmar")
    page.locator("#id_unit_0").check()  # county
    page.locator("#id_design_0").check()  # parallel
    page.locator("#id_strata_0").check()  # county size
    start = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Startdatum").fill(start.isoformat())
    page.get_by_role("button", name="Skapa försöket").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Proaktiv återkoppling"
    assert_accessible(page, "experiment before assignment")

    page.get_by_label("Frö (seed)").fill("2026")
    page.get_by_role("button", name="Gör tilldelningen").click()
    page.wait_for_load_state()
    assert "21 enheter fördelade med frö 2026" in page.locator("#current-run").inner_text()
    assert page.locator("#allocation tbody tr").count() >= 2
    assert_accessible(page, "experiment after assignment")

    page.get_by_role("link", name="Balanstabell").click()
    page.wait_for_load_state()
    assert page.locator("#balance-table").is_visible()
    assert "SMD" in page.locator("#balance-table thead").inner_text()
    assert_accessible(page, "balance table")

    page.get_by_role("link", name="Effektskattning").click()
    page.wait_for_load_state()
    assert page.locator("#estimates-table").is_visible()
    assert_accessible(page, "estimate page")

    experiment = Experiment.objects.get()
    assert experiment.runs.get().seed == 2026
