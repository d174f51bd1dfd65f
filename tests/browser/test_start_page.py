import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_start_page_in_swedish_lists_centres_and_is_accessible(page, db):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("heading", level=1).inner_text() == "Ställ din exportfråga – en gång"
    assert page.locator(".centre-card").count() == 21
    assert_accessible(page, "start page (sv)")


def test_switch_to_english(page, db):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Ask your export question – once"
    assert_accessible(page, "start page (en)")


def test_keyboard_reaches_login_form(page, db):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    assert skip.strip() == "Hoppa till huvudinnehållet"
    # Tab through the header until the login link has focus, then follow it with Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "Logga in":
            break
    else:
        pytest.fail("The login link was not reachable by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("**/konto/login/")
    page.keyboard.press("Tab")  # skip link
    focused = ""
    for _ in range(15):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.name || ''")
        if focused == "login":
            break
    assert focused == "login", "the e-mail field was not reachable by keyboard"
    assert_accessible(page, "login page")


def test_accessibility_statement_is_accessible(page, db):
    page.goto("/tillganglighet/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tillgänglighetsredogörelse"
    assert_accessible(page, "accessibility statement")
