# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""A question filed through the public form: the company reads one plain sentence on why this
actor; the handler's case page explains the routing in words (sentences, rule names, what they
matched on, the alternatives' service titles), never as raw data."""

from __future__ import annotations

import re

import pytest

from routing.models import Case
from tests.browser.conftest import assert_accessible, fill_question_form
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    catalogue,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]

QUESTION = "Vi behöver ett lån för att finansiera en större order till Tyskland."
RAW_DATA = re.compile(r"[\[\]{}]|'sv':|\b[a-z]+_[a-z_]+\b")


def _file_question(page) -> Case:
    page.goto("/fraga/")
    fill_question_form(page, QUESTION)
    page.get_by_role("button", name="Skicka frågan").click()
    page.wait_for_url(re.compile(r"/fraga/kvitto/REC-\d{4}-\d{6}/"))
    return Case.objects.get()


def test_company_gets_one_sentence_and_the_handler_the_whole_explanation(
    page, login, people, catalogue
):
    case = _file_question(page)

    reason = page.locator("section.explanation").inner_text()
    assert "Frågan gick till Almi Företagspartner, som hjälper företag med det du frågar om" in (
        reason
    )
    receipt = page.locator("main").inner_text()
    for internal in ("poäng", "Regeln", "matchade", "financing", "ämne:"):
        assert internal not in receipt
    assert not RAW_DATA.search(receipt.replace(case.reference, ""))

    page.get_by_role("link", name="Visa status för frågan").click()
    page.wait_for_url(re.compile(r"/fraga/status/"))
    status = page.locator("main").inner_text()
    assert "Frågan gick till Almi Företagspartner" in status
    for internal in ("poäng", "Regeln", "matchade", "financing", "ämne:"):
        assert internal not in status

    page.context.clear_cookies()
    login("almi.skane@example.se")
    page.goto(f"/arenden/{case.reference}/")
    routing = page.locator("#routing")
    text = routing.inner_text()
    assert routing.get_by_role("heading", name="Vägledning").is_visible()
    # the outcome as a sentence in the page's language
    assert re.search(r"Frågan dirigeras till Almi \(poäng \d+\)\.", text)
    # each matching rule by name, with what it matched on, in words
    rules = routing.locator(".routing-rules li")
    assert rules.count() >= 1
    almi_rule = rules.filter(has_text="matchade på ämne: Finansiering, lån och riskkapital")
    assert almi_rule.count() >= 1
    assert "(nationell)" in almi_rule.first.inner_text()
    # each alternative actor with its service titles and office
    alternatives = routing.locator(".routing-alternatives li")
    assert alternatives.count() == 1
    assert alternatives.first.inner_text() == (
        "Region Skåne (Region Skåne): Affärsutvecklingscheck för internationalisering"
    )
    assert not RAW_DATA.search(text), RAW_DATA.search(text)
    assert_accessible(page, "case page with the routing explanation")
