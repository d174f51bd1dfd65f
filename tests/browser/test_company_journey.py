# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""The company's journey, in Swedish and in English, read as the company reads it.

A company files through the form and reads its receipt; the handler contacts it, e-mails it,
refers the question to another office, which acknowledges and closes it (all through the real
services); the status page then tells the truthful history. Every page's visible text is checked
for leftovers of code (reprs, snake_case codes) and for the other language; every link in every
e-mail of the journey (read from the outbox) opens a 200 page on the running server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from routing.models import Case, OutboxMessage
from routing.services import case_close, case_email_company, case_record_first_contact, case_refer
from tests.browser.conftest import assert_accessible
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    catalogue,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]

QUESTION = "Vi behöver ett lån för att finansiera en större order till Tyskland."
INTERNAL_NOTE = "Intern notering: kunden verkar osäker på valutarisken"
REFERRAL_REASON = "Region Skånes check passar bättre än ett lån"
STAFF_PASSWORD = "lösenord-för-test"  # noqa: S105 - the test users' password (tests/factories.py)


@dataclass(frozen=True)
class Language:
    code: str
    #: Words that only the other language uses; any of them on a page is an untranslated string.
    foreign_words: frozenset[str]
    submit: str
    contacted: str
    referred: str
    closed: str
    status_closed: str
    who_now: str
    closed_heading: str
    deadline_promise: str


SWEDISH = Language(
    code="sv",
    foreign_words=frozenset(
        [
            "the",
            "your",
            "you",
            "will",
            "has",
            "have",
            "question",
            "contact",
            "contacted",
            "closed",
            "office",
            "phone",
            "website",
            "received",
            "referred",
            "deadline",
            "of",
            "and",
        ]
    ),
    submit="Skicka frågan",
    contacted="Vi kontaktade dig (telefon)",
    referred="Hänvisad till Region Skåne",
    closed="Ärendet avslutades. Frågan är besvarad.",
    status_closed="Avslutad",
    who_now="Vem har frågan nu?",
    closed_heading="Frågan är avslutad",
    deadline_promise="kontaktad senast",
)
ENGLISH = Language(
    code="en",
    foreign_words=frozenset(
        [
            "och",
            "är",
            "din",
            "dig",
            "frågan",
            "kontaktar",
            "senast",
            "ärendet",
            "hänvisad",
            "avslutad",
            "telefon",
            "webbplats",
            "kontor",
            "inkom",
            "händelser",
            "tack",
            "vem",
            "har",
            "till",
        ]
    ),
    submit="Send the question",
    contacted="We contacted you (phone)",
    referred="Referred to Region Skåne",
    closed="The case was closed. Your question has been answered.",
    status_closed="Closed",
    who_now="Who has your question now?",
    closed_heading="Your question is closed",
    deadline_promise="contacted by",
)


@pytest.fixture
def reachable_offices(people, catalogue):
    """Every office the journey names can be reached by phone, e-mail and the web."""
    contacts = {
        people.skane_almi_office: ("040-660 00 00", "skane@almi.example.se"),
        people.skane_region_office: ("044-309 30 00", "export@region.example.se"),
        catalogue.business_sweden_office: ("08-588 660 00", "skane@bs.example.se"),
        catalogue.een_office: ("040-675 30 00", "een@een.example.se"),
    }
    for office, (phone, email) in contacts.items():
        office.phone, office.email = phone, email
        office.save(update_fields=["phone", "email"])
        office.actor.website = f"https://www.{office.actor.pk}.example.se/"
        office.actor.save(update_fields=["website"])
    return contacts


def _data_strings(people, catalogue) -> list[str]:
    """Names the company typed or the catalogue holds: content, not interface wording."""
    offices = [
        people.skane_almi_office,
        people.skane_region_office,
        catalogue.business_sweden_office,
        catalogue.een_office,
    ]
    names = [o.name for o in offices] + [o.actor.name for o in offices]
    services = [s.title for o in offices for s in o.actor.services.all()]
    return sorted(
        {*names, *services, "Exempel Maskin AB", "Karin Exempel", "Skåne län", "Skåne"},
        key=len,
        reverse=True,
    )


def assert_plain_language(text: str, language: Language, data: list[str], where: str) -> None:
    """No Python reprs, no snake_case codes, no word of the other language."""
    for leftover in ("[", "{", "'sv':", "None", "True", "False"):
        assert leftover not in text, f"{leftover!r} on {where}:\n{text}"
    codes = re.findall(r"\b[a-z]+_[a-z_]+\b", text)
    assert not codes, f"internal codes {codes} on {where}"
    for value in data:
        text = text.replace(value, " ")
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", text)}
    foreign = words & language.foreign_words
    assert not foreign, f"words of the other language {sorted(foreign)} on {where}:\n{text}"


def _file_question(page, language: Language) -> Case:
    page.goto("/fraga/")
    if language.code == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    page.locator("[name=company_name]").fill("Exempel Maskin AB")
    page.locator("[name=org_number]").fill("556036-0793")
    page.locator("[name=postal_code]").fill("211 20")
    page.locator("[name=contact_name]").fill("Karin Exempel")
    page.locator("[name=email]").fill("karin@exempel.se")
    page.locator("[name=topic]").select_option("financing")
    page.locator("[name=question]").fill(QUESTION)
    page.locator("[name=consent]").check()
    page.get_by_role("button", name=language.submit).click()
    page.wait_for_url(re.compile(r"/fraga/kvitto/REC-\d{4}-\d{6}/"))
    return Case.objects.get()


def assert_reflows(page, where: str) -> None:
    """No sideways scrolling on a phone (WCAG 1.4.10), the long addresses included."""
    for width in (320, 375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{where} is {overflow} px too wide at {width} px"


def _links(message: OutboxMessage) -> set[str]:
    hrefs = re.findall(r'href="([^"]+)"', message.body_html)
    bare = re.findall(r"https?://\S+", message.body_text)
    return {*hrefs, *bare}


def _open_links(browser, live_server, message: OutboxMessage, login_as: str = "") -> list[str]:
    """Open the message's links to the portal in a fresh browser (logged in as the recipient
    when the mail is for staff); other links must at least be well-formed https/mailto/tel."""
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    opened = []
    try:
        if login_as:
            page.goto("/konto/login/")
            page.locator("[name=login]").fill(login_as)
            page.locator("[name=password]").fill(STAFF_PASSWORD)
            page.locator("form [type=submit]").last.click()
            page.wait_for_load_state()
        for link in sorted(_links(message)):
            if link.startswith(("mailto:", "tel:")):
                assert "@" in link or link.startswith("tel:"), link
                continue
            if not link.startswith(live_server.url):
                assert urlsplit(link).scheme == "https", f"{link} in {message.kind}"
                continue
            response = page.goto(link)
            assert response is not None and response.status == 200, f"{link} ({message.kind})"
            assert urlsplit(page.url).path == urlsplit(link).path, f"{link} redirected"
            opened.append(link)
    finally:
        context.close()
    return opened


@pytest.mark.parametrize("language", [SWEDISH, ENGLISH], ids=["sv", "en"])
def test_company_journey(
    page, browser, live_server, people, catalogue, reachable_offices, language
):
    data = _data_strings(people, catalogue)
    case = _file_question(page, language)
    assert case.language == language.code

    # The receipt: who contacts the company, how to reach them, and where else to turn.
    receipt = page.locator("main").inner_text()
    assert_plain_language(receipt, language, data, "the receipt")
    assert case.reference in receipt
    almi_phone, almi_email = reachable_offices[people.skane_almi_office]
    assert almi_phone in receipt and almi_email in receipt
    region_phone, region_email = reachable_offices[people.skane_region_office]
    assert "Affärsutvecklingscheck för internationalisering" in receipt
    assert region_phone in receipt and region_email in receipt
    assert f"https://www.{people.skane_region_office.actor.pk}.example.se/" in receipt
    assert "score" not in receipt
    assert_accessible(page, f"receipt ({language.code})")
    assert_reflows(page, "the receipt")
    status_url = page.locator("main a[href*='/fraga/status/']").first.get_attribute("href")
    page.goto(status_url)
    assert language.who_now in page.get_by_role("heading", level=2).all_inner_texts()

    # The handler contacts the company, writes to it, refers; the new office closes.
    now = timezone.now()
    case_record_first_contact(case=case, user=people.handler, channel="phone", at=now)
    case_email_company(
        case=case, user=people.handler, subject="Om ert lån", body="Vi ringer i morgon igen."
    )
    case_refer(
        case=case, user=people.handler, office=people.skane_region_office, reason=REFERRAL_REASON
    )
    case_record_first_contact(
        case=case, user=people.region_handler, channel="email", at=timezone.now()
    )
    case_close(case=case, user=people.region_handler, outcome="answered", note=INTERNAL_NOTE)

    # The status page tells what happened, in order, and nothing internal.
    page.goto(status_url)
    status = page.locator("main").inner_text()
    assert_plain_language(status, language, data, "the status page")
    assert language.status_closed in status
    # A closed case is not "with" anyone: the heading says it is closed, the text whom to ask.
    assert language.closed_heading in status and language.who_now not in status
    assert region_phone in status and region_email in status
    assert language.deadline_promise not in status, "a closed case promises no contact"
    history = page.get_by_role("table").inner_text()
    expected = [language.contacted, language.referred, language.closed]
    positions = [history.find(line) for line in expected]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), history
    for secret in (case.email, INTERNAL_NOTE, REFERRAL_REASON, people.handler.email):
        assert secret not in status
    assert_accessible(page, f"status page after closing ({language.code})")
    assert_reflows(page, "the status page")

    # Every mail of the journey: the company's in its language, replies going to an office,
    # every link opening on the running server.
    messages = {m.kind: m for m in OutboxMessage.objects.filter(case=case)}
    assert set(messages) >= {
        "receipt",
        "company_message",
        "company_referred",
        "company_closed",
        "staff_referral",
    }
    assert messages["company_message"].reply_to == almi_email
    assert almi_email in messages["company_message"].body_text
    assert messages["company_referred"].reply_to == region_email
    assert messages["company_closed"].reply_to == region_email
    for kind in ("receipt", "company_message", "company_referred", "company_closed"):
        message = messages[kind]
        assert message.to == case.email and message.language == language.code
        assert_plain_language(
            message.subject + "\n" + re.sub(r"https?://\S+", " ", message.body_text),
            language,
            [*data, "Om ert lån", "Vi ringer i morgon igen."],
            f"the {kind} mail",
        )
        opened = _open_links(browser, live_server, message)
        assert any("/fraga/status/" in link for link in opened), f"no status link in {kind}"
    assert _open_links(
        browser, live_server, messages["staff_referral"], login_as=people.region_handler.email
    )


def test_the_status_page_switches_language_and_keeps_its_link_from_other_sites(
    page, live_server, people, catalogue
):
    """The status link is the credential: other sites never get it as a referrer, yet the
    page's own language switch (a POST) must pass the CSRF origin check — it answered 403."""
    _file_question(page, SWEDISH)
    status_url = page.locator("main a[href*='/fraga/status/']").first.get_attribute("href")
    response = page.goto(status_url)
    assert response.headers["referrer-policy"] == "same-origin"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert ENGLISH.who_now in page.get_by_role("heading", level=2).all_inner_texts()
