"""WCAG 1.4.10 (reflow): the public pages fit a 320 px phone without sideways scrolling, with the
demo partnership's real e-mail addresses and Sweden's longest county names on them."""

import pytest

from regions.demo import load_demo_data
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/tillganglighet/",
    "/personuppgifter/",
    "/exportcentrum/",
    "/exportcentrum/vastra-gotaland/",
    "/fraga/",
]
WIDTHS = [320, 375, 768, 1280]


@pytest.fixture
def demo(reference_data):
    load_demo_data()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_public_pages_have_no_horizontal_scroll(page, demo, language):
    if language == "en":
        page.goto("/")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for path in PUBLIC_PAGES:
            page.goto(path)
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            if scroll > inner:
                too_wide.append(f"{path} at {width} px: {scroll} px wide")
    assert too_wide == []


def test_first_screen_on_a_phone_offers_the_question_and_the_centre_search(page, demo):
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto("/")
    button = page.get_by_role("link", name="Ställ din fråga")
    search = page.get_by_label("Hitta ditt exportcentrum – postnummer eller kommun")
    for element in (button, search):
        box = element.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 667
    search.fill("malmo")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_url("**/exportcentrum/?q=malmo")
    results = page.locator(".match-list").inner_text()
    assert "Skåne" in results
    assert_accessible(page, "centre search from the start page")


def test_county_names_on_the_start_page_lead_to_the_county_page(page, demo):
    page.goto("/")
    page.get_by_role("link", name="Regionalt exportcentrum Dalarna").click()
    page.wait_for_url("**/exportcentrum/dalarna/")
    assert "Dalarna" in page.get_by_role("heading", level=1).inner_text()
    page.goto("/")
    assert_accessible(page, "start page with actions")
