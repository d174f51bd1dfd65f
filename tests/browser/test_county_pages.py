"""County pages in a real browser: finding one's centre, the public page in Swedish and English,
coordinators editing (with a hostile introduction), and axe on every page."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse

from regions.models import PostalCode
from tests.browser.conftest import assert_accessible
from tests.regions.pages_data import build_catalogue

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(reference_data, people):
    return build_catalogue(people)


def question_form_exists() -> bool:
    try:
        reverse("question-form")
    except NoReverseMatch:
        return False
    return True


def test_visitor_finds_centre_by_postal_code_and_opens_prefilled_form(page, catalogue):
    postal = PostalCode.objects.filter(municipality__short_name="Lund").order_by("code").first()
    page.goto("/exportcentrum/")
    assert_accessible(page, "centre list (sv)")
    page.get_by_label("Postnummer eller kommun").fill(f"{postal.code[:3]} {postal.code[3:]}")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Antal träffar: 1").is_visible()
    assert_accessible(page, "centre search results")
    results = page.locator(".search-results")
    results.get_by_role("link", name="Regionalt exportcentrum Skåne").click()
    page.wait_for_url("**/exportcentrum/skane/")
    assert page.get_by_role("heading", level=1).inner_text() == "Regionalt exportcentrum Skåne"
    assert_accessible(page, "county page (sv)")
    ask = page.get_by_role("link", name="Ställ din fråga")
    assert ask.get_attribute("href").endswith("?lan=skane")
    assert question_form_exists(), "the question form (routing) should exist"
    ask.click()
    page.wait_for_url("**/fraga/?lan=skane")
    # The form carries the county preset on to the submission and tells the visitor so.
    assert page.locator('input[name="lan"]').input_value() == "skane"
    assert "Skåne län" in page.locator("main").inner_text()


def test_search_errors_are_announced_and_keep_the_input(page, reference_data):
    page.goto("/exportcentrum/?q=4")
    summary = page.get_by_role("alert")
    assert "Skriv minst tre siffror" in summary.inner_text()
    field = page.get_by_label("Postnummer eller kommun")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == "4"
    assert_accessible(page, "centre search with error")


def test_typing_a_municipality_narrows_the_list_without_a_round_trip(page, reference_data):
    page.goto("/exportcentrum/")
    assert page.locator(".centre-card:visible").count() == 21
    page.get_by_label("Postnummer eller kommun").press_sequentially("Falu")
    assert page.locator(".centre-card:visible").count() == 1
    assert "Dalarna" in page.locator(".centre-card:visible").inner_text()
    assert page.get_by_role("status").filter(has_text="1 av 21").count() == 1


def test_county_page_in_english_is_accessible(page, catalogue):
    page.goto("/exportcentrum/dalarna/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Ask your question").is_visible()
    assert page.get_by_role("heading", name="Who takes part").is_visible()
    assert_accessible(page, "county page (en)")
    page.goto("/exportcentrum/")
    assert page.get_by_role("heading", level=1).inner_text() == "Find your export centre"
    assert_accessible(page, "centre list (en)")


def test_markup_in_the_introduction_is_never_executed(page, catalogue, login, people):
    login(people.coordinator.username)
    page.goto("/exportcentrum/skane/redigera/")
    assert_accessible(page, "editing hub")
    page.get_by_role("link", name="Ändra introduktionen").click()
    assert_accessible(page, "introduction form")
    hostile = (
        "Välkommen till **oss**!\n\n<script>window.__pwned=1</script>\n\n"
        '<img src=x onerror="window.__pwned=2">\n\n[klicka](javascript:window.__pwned=3)'
    )
    page.get_by_label("Introduktion").fill(hostile)
    page.get_by_role("button", name="Spara utkast och förhandsgranska").click()
    page.wait_for_url(re.compile(r"/redigera/introduktion/\d+/$"))
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert_accessible(page, "preview")
    page.get_by_role("button", name="Publicera").click()
    page.wait_for_url("**/exportcentrum/skane/redigera/")
    assert "Introduktionen är publicerad." in page.get_by_role("status").inner_text()

    anonymous = page.context.browser.new_context(base_url=page.url.split("/exportcentrum")[0])
    public = anonymous.new_page()
    public.goto("/exportcentrum/skane/")
    public.wait_for_load_state("load")
    assert public.evaluate("typeof window.__pwned") == "undefined"
    intro = public.locator(".introduction")
    assert "<script>window.__pwned=1</script>" in intro.inner_text()  # shown as text
    assert intro.locator("script, img").count() == 0
    lost_link = intro.get_by_text("klicka")
    assert lost_link.get_attribute("href") is None  # a javascript: link loses its href
    lost_link.click()
    assert public.evaluate("typeof window.__pwned") == "undefined"
    anonymous.close()


def test_coordinator_edits_a_service_with_preview_and_sees_history(page, catalogue, login, people):
    login(people.coordinator.username)
    page.goto("/exportcentrum/skane/redigera/")
    assert page.get_by_role("heading", name="Tjänster som behöver granskas: 2").is_visible()
    page.get_by_role("link", name="Lägg till tjänst").click()
    page.get_by_role("button", name="Spara och publicera").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Titel", exact=True).get_attribute("aria-invalid") == "true"
    assert_accessible(page, "service form with errors")
    page.get_by_label("Aktör").select_option(label="Almi Företagspartner")
    page.get_by_label("Titel", exact=True).fill("Exportlån Skåne")
    page.get_by_label("Kort beskrivning", exact=True).fill("Lån för företag som tar steget ut.")
    page.get_by_label("Titel på engelska").fill("Export loans in Skåne")
    page.get_by_role("checkbox", name="Finansiering, lån och riskkapital").check()
    page.get_by_role("radio", name="Avgiftsbelagd").check()
    page.get_by_role("button", name="Förhandsgranska").click()
    preview = page.locator(".preview-banner")
    assert "Exportlån Skåne" in preview.inner_text()
    assert page.get_by_label("Titel", exact=True).input_value() == "Exportlån Skåne"
    assert_accessible(page, "service preview")
    page.get_by_role("button", name="Spara och publicera").click()
    page.wait_for_url("**/exportcentrum/skane/redigera/")
    page.get_by_role("button", name="Markera som granskad Gammal vägledning").click()
    assert page.get_by_role("heading", name="Tjänster som behöver granskas: 1").is_visible()

    page.get_by_role("link", name="Ändra medverkande aktörer").click()
    assert_accessible(page, "participants form")
    page.goto("/exportcentrum/skane/redigera/historik/")
    history = page.locator("table").nth(1).inner_text()
    assert "Tjänst lades till: Exportlån Skåne" in history
    assert "Tjänst granskades: Gammal vägledning" in history
    assert people.coordinator.username in history
    assert_accessible(page, "history")

    page.goto("/exportcentrum/skane/")
    assert page.get_by_role("heading", name="Exportlån Skåne").first.is_visible()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Export loans in Skåne").first.is_visible()
    # no English written for the description: the Swedish, marked as Swedish
    swedish = page.get_by_text("Lån för företag som tar steget ut.").first
    assert swedish.get_attribute("lang") == "sv"


def test_coordinator_of_another_county_gets_404(page, catalogue, login, people):
    login(people.other_coordinator.username)
    response = page.goto("/exportcentrum/skane/redigera/")
    assert response.status == 404
