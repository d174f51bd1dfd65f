"""The handler's and the receiving handler's journeys, read as a person reads them: a question
comes in through intake, the handler's notification link opens the case, the handler records
first contact and refers; the receiving office opens its referral mail, takes the case and
records its own acknowledgement; the referring office still reads the case. Every page is
axe-clean and shows no codes, no Python reprs and no English on a Swedish page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from routing.intake import case_create
from routing.models import OutboxMessage
from tests.browser.conftest import assert_accessible
from tests.conftest import ensure_reference_data
from tests.factories import question_data

pytestmark = pytest.mark.browser

SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z_]+\b")
ENGLISH_WORDS = re.compile(r"\b(assigned|referred|handler|claimed|first contact|overdue)\b", re.I)


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    # live_server tests are transactional: the flush between tests removes reference data.
    ensure_reference_data()


def assert_reads_plainly(page, context: str) -> None:
    text = page.locator("main").inner_text()
    for raw in ("[", "{", "'sv':", "None", "holidays=="):
        assert raw not in text, f"{context}: {raw!r} in the visible text"
    history = page.locator("#history")
    if history.count():  # rule names may use arrows; the history never shows "– → value"
        assert "→" not in history.inner_text(), context
    assert not SNAKE_CASE.search(text), f"{context}: {SNAKE_CASE.search(text).group()!r}"
    assert not ENGLISH_WORDS.search(text), f"{context}: {ENGLISH_WORDS.search(text).group()!r}"
    assert_accessible(page, context)


def link_in(mail: OutboxMessage) -> str:
    [link] = [word for word in mail.body_text.split() if word.startswith("http")]
    return urlsplit(link).path


def switch_user(page, login, email: str) -> None:
    page.context.clear_cookies()
    login(email)


def test_handler_and_receiving_handler_journeys(page, login, people):
    people.skane_region_office.email = "naringsliv@region.example.se"  # the referral goes here
    people.skane_region_office.save(update_fields=["email"])
    case = case_create(data=question_data(target_countries=["DE"]))
    assert case.office == people.skane_almi_office

    # The handler: the notification's link opens the case.
    notification = OutboxMessage.objects.get(case=case, kind="staff_new_case")
    login(notification.to)
    response = page.goto(link_in(notification))
    assert response.status == 200
    assert case.reference in page.get_by_role("heading", level=1).inner_text()
    history = page.locator("#history").inner_text()
    assert "Frågan kom in" in history and "Tilldelat kontor: Almi Skåne" in history
    assert "Tyskland" in page.locator("main").inner_text()
    page.get_by_text("Hur fristen räknades").click()
    assert "Klockan startade" in page.locator("#deadline-explained").inner_text()
    assert_reads_plainly(page, "case page, new")

    page.get_by_role("radio", name="Telefon").check()
    page.get_by_role("button", name="Registrera kontakt").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="Första kontakt är registrerad").is_visible()
    panel = page.get_by_role("region", name="Hänvisa till annan aktör")
    panel.get_by_label("Hänvisa till").select_option(label="Region Skåne")
    panel.get_by_label("Skäl").fill("Företaget vill söka en affärsutvecklingscheck.")
    panel.get_by_role("button", name="Hänvisa").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="Ärendet är hänvisat").is_visible()
    assert "Ert kontor hänvisade ärendet vidare" in page.locator("main").inner_text()
    assert "från Almi Skåne till Region Skåne" in page.locator("#history").inner_text()
    assert_reads_plainly(page, "case page, referred (referring office)")

    page.goto("/handlaggare/")
    referred = page.get_by_role("table", name="Ärenden som ert kontor har hänvisat vidare")
    assert case.reference in referred.inner_text()
    assert_reads_plainly(page, "inbox with cases referred by us")

    # The receiving handler: the referral mail's link opens the case.
    referral = OutboxMessage.objects.get(case=case, kind="staff_referral")
    switch_user(page, login, "region.skane@example.se")
    response = page.goto(link_in(referral))
    assert response.status == 200
    summary = page.locator("#case-summary").inner_text()
    assert "Tid kvar för mottagande kontors bekräftelse" in summary
    assert "Region Skåne har inte bekräftat ännu" in summary
    assert "före hänvisningen" in summary
    assert_reads_plainly(page, "case page, received referral")

    page.get_by_role("button", name="Ta ärendet").click()
    page.wait_for_load_state()
    page.get_by_role("radio", name="E-post").check()
    page.get_by_role("button", name="Registrera kontakt").click()
    page.wait_for_load_state()
    summary = page.locator("#case-summary").inner_text()
    assert "har inte bekräftat ännu" not in summary
    assert "Tid kvar för mottagande kontors bekräftelse" not in summary
    assert "Mottagande kontor har kontaktat företaget" in page.locator("#history").inner_text()
    assert_reads_plainly(page, "case page, acknowledged")

    # Another county's handler still gets nothing.
    switch_user(page, login, "almi.dalarna@example.se")
    assert page.goto(link_in(referral)).status == 404
