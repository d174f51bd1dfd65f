"""National staff's journey in the browser, reading what the pages say: from the menu to the
cases waiting more than a working day past their deadline, asking the county's coordinator by
e-mail (whose link opens), reassigning, and the Swedish Excel CSV exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from routing.models import OutboxMessage
from tests.browser.conftest import assert_accessible
from tests.browser.journey_text import assert_readable
from tests.conftest import ensure_reference_data
from tests.routing.factories_cases import make_case

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    # live_server tests are transactional: the flush between tests removes reference data.
    ensure_reference_data()


def test_national_staff_follow_up_late_cases_and_export(page, login, people):
    now = timezone.now()
    long_late = make_case(office=people.skane_almi_office, submitted_at=now - timedelta(days=10))
    in_time = make_case(office=people.skane_almi_office, submitted_at=now)
    login("nationell@example.se")

    # The menu leads to the list; the heading says what it lists.
    page.get_by_role("link", name="Försenade ärenden").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Försenade ärenden nationellt"
    text = assert_readable(page, "national overdue")
    assert "Mer än en arbetsdag efter fristen" in text
    assert long_late.reference in text and in_time.reference not in text
    assert_accessible(page, "national overdue")

    # National staff ask the coordinator: an e-mail through the outbox whose link opens.
    page.get_by_role("link", name=long_late.reference).click()
    page.wait_for_load_state()
    assert_accessible(page, "case page (national)")
    panel = page.get_by_role("region", name="Fråga länets samordnare")
    panel.get_by_label("Fråga till länets samordnare").fill("Vem kontaktar företaget i dag?")
    panel.get_by_role("button", name="Skicka frågan").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="köad för utskick").is_visible()
    assert page.locator("#history").filter(has_text="Fråga till länets samordnare").is_visible()
    mail = OutboxMessage.objects.get(kind="staff_ask_coordinator")
    assert mail.to == "samordnare.skane@example.se"
    for link in re.findall(r"https?://\S+", mail.body_text):
        assert page.request.get(link).status == 200, link

    # … or move the case themselves, saying why.
    panel = page.get_by_role("region", name="Omfördela inom länet")
    panel.get_by_label("Kontor").select_option(label="Region Skåne")
    panel.get_by_label("Skäl").fill("Almi Skåne svarar inte")
    panel.get_by_role("button", name="Omfördela").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="Ärendet är omfördelat").is_visible()
    assert page.locator("#history").filter(has_text="Almi Skåne svarar inte").is_visible()

    # The dashboard links the list from the deadline box, and the CSV is Swedish Excel's.
    page.get_by_role("link", name="Nationell översikt").click()
    page.wait_for_load_state()
    box = page.locator("#sweep-status")
    assert box.get_by_role("link", name="Ärenden som väntat mer än en arbetsdag efter fristen")
    csv_url = page.get_by_role("link", name="Alla indikatorer per län (CSV)").get_attribute("href")
    body = page.request.get(csv_url).body().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:2] == ["Länskod", "Län"] and "Inkomna frågor" in rows[0]
    assert not [c for row in rows[1:] for c in row[4:] if re.fullmatch(r"-?\d+\.\d+", c)]
    panel_url = page.get_by_role("link", name="Pseudonymiserad företagspanel (CSV)").get_attribute(
        "href"
    )
    readable, codes = page.request.get(panel_url).body().decode("utf-8-sig").splitlines()[:2]
    assert readable.startswith("Företag (pseudonym);Länskod;Län;")
    assert codes.startswith("company;county_code;county;")
