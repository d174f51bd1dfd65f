"""Playwright driving Debian's headless Chromium against a live server, with axe-core checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import require

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the ORM calls of test set-up are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    # Absolute links (status link, mails) point at the portal's address: here, the test server.
    settings.PORTAL_BASE_URL = live_server.url
    context = browser.new_context(
        locale="sv-SE", base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Log a user in through the real allauth form."""

    def do_login(email: str, password: str = "lösenord-för-test"):  # noqa: S107
        page.goto("/konto/login/")
        page.get_by_label("E-post").fill(email)
        page.get_by_label("Lösenord").fill(password)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_load_state()

    return do_login


def fill_question_form(page, question: str) -> None:
    """Fill the public question form (Swedish labels) as Karin of Exempel Maskin AB, Malmö."""
    page.get_by_label("Företagets namn").fill("Exempel Maskin AB")
    page.get_by_label("Organisationsnummer").fill("556036-0793")
    page.get_by_label("Postnummer").fill("211 20")
    page.get_by_label("Kontaktperson").fill("Karin Exempel")
    page.get_by_label("E-post").fill("karin@exempel.se")
    page.get_by_label("Vad gäller frågan?").select_option("financing")
    page.get_by_label("Din fråga").fill(question)
    page.get_by_label("Jag godkänner").check()


def assert_accessible(page, context: str = "") -> None:
    """axe-core (from axe-playwright-python's bundled script): no serious or critical issue."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
    summary = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(
            n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
            for n in v["nodes"][:3]
        )
        for v in bad
    )
    assert not bad, f"axe violations {context} on {page.url}:\n{summary}"
