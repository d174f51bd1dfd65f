# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Filing a question: the service, the web form, the receipt, the status link and the e-mail."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from exportcentrum.celery import app as celery_app
from regions.models import Municipality, Service, Topic
from regions.services import service_update
from routing.company_view import case_from_status_token, case_status_path, format_deadline
from routing.default_rules import DEFAULT_NATIONAL_RULES
from routing.intake import QuestionData, case_create
from routing.models import Case, CaseEvent, OutboxMessage, RoutingRule
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    FALUN_MUNICIPALITY,
    PERSONNUMMER,
    _fresh_cache,
    catalogue,
    question_payload,
)

# Wednesday 23 December 2026, 15:00 in Stockholm: the deadline skips julafton, juldagen,
# annandag jul and the weekend (DESIGN §3).
BEFORE_CHRISTMAS = datetime(2026, 12, 23, 14, 0, tzinfo=UTC)
FORM_URL = "/fraga/"


def _data(**overrides) -> QuestionData:
    values = {
        "company_name": "Exempel Maskin AB",
        "org_number": "5560360793",
        "contact_name": "Karin Exempel",
        "email": "karin@exempel.se",
        "municipality": Municipality.objects.get(code="1280"),
        "question": "Vi behöver ett lån för att finansiera en order.",
        "topic": None,
        "language": "sv",
    }
    values.update(overrides)
    return QuestionData(**values)


@pytest.fixture
def dead_broker():
    """The broker is down: the Celery app is configured at import, so patch the app itself."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options, conf.broker_connection_timeout)
    conf.broker_url = "redis://127.0.0.1:1/0"
    conf.broker_transport_options = {"max_retries": 0, "socket_connect_timeout": 1}
    conf.broker_connection_timeout = 1
    celery_app.pool.force_close_all()
    yield
    conf.broker_url, conf.broker_transport_options, conf.broker_connection_timeout = saved
    celery_app.pool.force_close_all()


# --------------------------------------------------------------------------- the service


@time_machine.travel(BEFORE_CHRISTMAS, tick=False)
def test_case_create_routes_assigns_and_queues_the_receipt(people, catalogue):
    case = case_create(data=_data(topic=Topic.objects.get(code="financing")))

    assert case.reference == "REC-2026-000001"
    assert case.county_id == "12"
    assert case.assigned_actor.name == "Almi Företagspartner"
    assert case.office == people.skane_almi_office
    assert case.handler == people.handler
    assert case.status == Case.Status.ASSIGNED
    assert not case.in_triage and not case.out_of_county
    # Wed 23 Dec 15:00 -> Mon 28 Dec 15:00 (julafton, jul, annandag, weekend skipped)
    assert case.deadline_at == datetime(2026, 12, 28, 14, 0, tzinfo=UTC)
    assert case.original_deadline_at == case.deadline_at
    assert "julafton" in case.deadline_trace

    decision = case.decision
    assert decision.engine_version
    assert decision.chosen_actor == "almi"
    assert any(m.actor_type == "almi" for m in decision.matches)
    assert decision.assignment.office_name == "Almi Skåne"
    # Every other actor with a matching service is an alternative (here the region's cheque),
    # with the office that serves the county.
    [alternative] = decision.alternatives
    assert alternative.actor_name == "Region Skåne"
    assert [s.title for s in alternative.services] == [
        "Affärsutvecklingscheck för internationalisering"
    ]
    assert alternative.office.name == people.skane_region_office.name
    # Stored as JSON that reads back to the same decision.
    assert Case.objects.get(pk=case.pk).decision == decision

    kinds = list(case.events.values_list("kind", "internal"))
    assert kinds == [("created", False), ("assigned", False), ("handler_assigned", True)]

    mail = OutboxMessage.objects.get(case=case, kind="receipt")
    assert mail.state == OutboxMessage.State.PENDING and mail.kind == "receipt"
    assert mail.to == "karin@exempel.se"
    assert "REC-2026-000001" in mail.subject
    assert "måndag 28 december 2026 kl. 15.00" in mail.body_text
    assert "Almi Företagspartner (Almi Skåne) kontaktar dig." in mail.body_text
    assert "Region Skåne: Affärsutvecklingscheck för internationalisering" in mail.body_text
    # One plain sentence on why this actor; no scores or rule internals for the company.
    assert (
        "Frågan gick till Almi Företagspartner, som hjälper företag med det du frågar om "
        "(Finansiering, lån och riskkapital)." in mail.body_text
    )
    for internal in ("poäng", "score", "financing", "Regeln", "matchade"):
        assert internal not in mail.body_text
    assert case_status_path(case) in mail.body_text
    assert "<a href=" in mail.body_html and 'lang="sv"' in mail.body_html


@time_machine.travel(BEFORE_CHRISTMAS, tick=False)
def test_receipt_email_is_in_the_case_language(people, catalogue):
    with translation.override("sv"):
        case = case_create(data=_data(language="en", topic=Topic.objects.get(code="financing")))
    mail = OutboxMessage.objects.get(case=case, kind="receipt")
    assert mail.language == "en"
    assert "We have received your export question" in mail.subject
    assert "Monday 28 December 2026 at 15:00" in mail.body_text
    assert "kontaktar" not in mail.body_text


def test_references_count_per_year(people):
    with time_machine.travel(datetime(2026, 12, 31, 22, 30, tzinfo=UTC), tick=False):
        first = case_create(data=_data())
    # 00:30 on 1 January in Stockholm is still 2026 in UTC: the Stockholm year counts.
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=False):
        second = case_create(data=_data())
        third = case_create(data=_data())
    assert [first.reference, second.reference, third.reference] == [
        "REC-2026-000001",
        "REC-2027-000001",
        "REC-2027-000002",
    ]


def test_sole_trader_personnummer_is_flagged_personal(client, people):
    response = client.post(FORM_URL, question_payload(org_number=PERSONNUMMER))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.org_number == "8112289874"
    assert case.org_number_is_personal is True


def test_default_national_rules_are_loaded_by_the_migration(db):
    national = RoutingRule.objects.filter(county__isnull=True)
    assert national.count() == len(DEFAULT_NATIONAL_RULES)
    assert set(national.values_list("name", flat=True)) == {
        r["name"] for r in DEFAULT_NATIONAL_RULES
    }


def test_free_text_question_with_unknown_topic_routes_by_its_words(people, catalogue):
    case = case_create(
        data=_data(
            question="Vi vill hitta distributörer i USA och behöver en marknadsanalys.",
            topic=None,
            target_countries=["US"],
        )
    )
    assert case.assigned_actor.name == "Business Sweden"
    assert case.office == catalogue.business_sweden_office


def test_question_no_rule_places_goes_to_the_front_door(people):
    case = case_create(data=_data(question="Hej! Vi undrar lite allmänt hur man börjar."))
    assert case.decision.fallback_to_front_door is True
    assert case.assigned_actor.name == "Region Skåne"
    assert case.office == people.skane_region_office
    assert case.handler == people.region_handler


def test_filing_works_with_the_broker_down(reference_data, people, dead_broker):
    from django.test import Client

    client = Client()
    response = client.post(FORM_URL, question_payload())
    assert response.status_code == 302
    case = Case.objects.get()
    message = OutboxMessage.objects.get(case=case, kind="receipt")
    assert message.state == OutboxMessage.State.PENDING
    assert message.attempts == 0


# --------------------------------------------------------------------------- the web form


def test_form_page_renders_every_field_with_labels(client, db):
    html = client.get(FORM_URL).content.decode()
    for field in ("company_name", "org_number", "postal_code", "question", "consent"):
        assert f'for="id_{field}"' in html
    assert '<optgroup label="Skåne län">' in html
    assert html.count("<option value=") > 290 + 4  # municipalities + topics etc.
    assert 'tabindex="-1"' in html and 'autocomplete="off"' in html and "Lämna tomt" in html
    assert reverse("privacy") in html


def test_county_preset_puts_that_countys_municipalities_first(client, db):
    html = client.get(FORM_URL + "?lan=dalarna").content.decode()
    assert html.index('<optgroup label="Dalarnas län">') < html.index('<optgroup label="Stockholms')
    assert 'name="lan" value="dalarna"' in html
    assert client.get(FORM_URL + "?lan=20").status_code == 200


def test_successful_post_shows_receipt_and_status_link(client, people, catalogue):
    response = client.post(FORM_URL, question_payload(), follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("question-receipt", args=[case.reference])
    html = response.content.decode()
    assert case.reference in html
    assert "Almi Företagspartner" in html and "Almi Skåne" in html
    assert "kl." in html  # the deadline, in Stockholm time
    assert "Affärsutvecklingscheck för internationalisering" in html
    # The page's own link, read back: a token made here a second later would differ (signed
    # with a timestamp), so comparing strings failed now and then.
    status_path = re.search(r'href="[^"]*?(/fraga/status/[^"/]+/)"', html).group(1)
    assert case_from_status_token(status_path.split("/")[-2]) == case

    status = client.get(status_path)
    assert status.status_code == 200
    body = status.content.decode()
    assert "Tilldelad" in body and "Frågan togs emot" in body
    assert status["X-Robots-Tag"] == "noindex, nofollow"
    # internal events (which handler) are never shown to the company
    assert people.handler.username not in body


def test_receipt_is_only_for_the_session_that_filed(client, people, catalogue):
    client.post(FORM_URL, question_payload())
    case = Case.objects.get()
    from django.test import Client

    stranger = Client()
    assert stranger.get(reverse("question-receipt", args=[case.reference])).status_code == 404
    stranger.force_login(people.other_handler)
    assert stranger.get(reverse("question-receipt", args=[case.reference])).status_code == 404


def test_a_receipt_without_alternatives_says_so_plainly_and_links_the_county_page(client, people):
    """No service in the county matches: the page does not claim nobody offers similar help,
    it links to every actor and service of the county's centre."""
    response = client.post(FORM_URL, question_payload(), follow=True)
    page = response.content.decode()
    assert "Vi hittade ingen annan aktör för just den här frågan." in page
    county_page = reverse("centre-detail", args=[people.skane.slug])
    assert f'<a href="{county_page}">Alla aktörer och tjänster i exportcentret i Skåne' in page
    assert client.get(county_page).status_code == 200


def test_an_english_receipt_names_the_services_in_english_where_the_catalogue_has_it(
    client, people, catalogue
):
    """The coordinator wrote an English title for the region's check: the English receipt and
    its e-mail use it; the Swedish receipt keeps the Swedish title."""
    check = Service.objects.get(title="Affärsutvecklingscheck för internationalisering")
    service_update(
        county=people.skane,
        service=check,
        actor=check.actor,
        title=check.title,
        description=check.description,
        title_en="Business development voucher",
        topics=check.topics.all(),
        editor=people.coordinator,
    )
    client.post(reverse("set_language"), {"language": "en", "next": FORM_URL})
    page = client.post(FORM_URL, question_payload(language="en"), follow=True).content.decode()
    assert "<li>Business development voucher</li>" in page
    assert "Affärsutvecklingscheck" not in page
    receipt = OutboxMessage.objects.get(to="karin@exempel.se")
    assert "Business development voucher" in receipt.body_text
    assert "Business development voucher" in receipt.body_html

    client.post(reverse("set_language"), {"language": "sv", "next": FORM_URL})
    page = client.post(
        FORM_URL, question_payload(email="per@exempel.se"), follow=True
    ).content.decode()
    assert "<li>Affärsutvecklingscheck för internationalisering</li>" in page
    assert "Business development voucher" not in page


def test_a_service_without_english_is_shown_in_swedish_and_marked_so(client, people, catalogue):
    client.post(reverse("set_language"), {"language": "en", "next": FORM_URL})
    page = client.post(FORM_URL, question_payload(language="en"), follow=True).content.decode()
    assert '<li lang="sv">Affärsutvecklingscheck för internationalisering</li>' in page


def test_every_cookie_a_company_gets_is_explained_on_the_privacy_page(client, people, catalogue):
    client.get(FORM_URL)
    client.post(reverse("set_language"), {"language": "en", "next": FORM_URL})
    client.post(FORM_URL, question_payload())
    assert {"csrftoken", "kvitton", "django_language"} <= set(client.cookies)
    notice = client.get(reverse("privacy")).content.decode()
    for name in client.cookies:
        assert f"<code>{name}</code>" in notice


def test_the_receipt_cookie_cannot_be_forged_and_no_session_is_stored(client, people, catalogue):
    from django.contrib.sessions.models import Session
    from django.test import Client

    response = client.post(FORM_URL, question_payload())
    case = Case.objects.get()
    assert client.get(response["Location"]).status_code == 200
    assert not Session.objects.exists()  # nothing kept about an anonymous visitor
    cookie = response.cookies["kvitton"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["max-age"]
    forger = Client()
    forger.cookies["kvitton"] = case.reference  # the reference alone, unsigned
    assert forger.get(reverse("question-receipt", args=[case.reference])).status_code == 404
    forger.cookies["kvitton"] = cookie.value.replace(case.reference, "REC-2026-999999")
    assert forger.get(reverse("question-receipt", args=[case.reference])).status_code == 404


def test_tampered_status_token_is_404(client, people):
    case = case_create(data=_data())
    path = case_status_path(case)
    assert client.get(path[:-3] + "xx/").status_code == 404
    assert client.get(reverse("case-status", args=["REC-2026-000001"])).status_code == 404
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert case_from_status_token(token) == case


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        (
            "sv",
            [
                "Ange ett giltigt organisationsnummer",
                "Ange en giltig mejladress.",
                "Vi känner inte igen ”XX” som land.",
                "Du behöver godkänna att vi behandlar uppgifterna.",
                "Det här fältet är obligatoriskt.",
            ],
        ),
        (
            "en",
            [
                "Enter a valid organisation number",
                "Enter a valid email address.",
                "We do not recognise ”XX” as a country.",
                "You need to agree to us processing the information.",
                "This field is required.",
            ],
        ),
    ],
)
def test_form_errors_are_translated_shown_at_the_field_and_keep_the_input(
    client, db, language, messages
):
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    payload = question_payload(
        org_number="556036-0794",
        email="inte-en-adress",
        target_countries="DE, XX",
        consent="",
        company_name="",
    )
    response = client.post(FORM_URL, payload)
    assert response.status_code == 200
    html = response.content.decode()
    for message in messages:
        assert message in html
    assert 'id="error-summary"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_org_number_helptext id_org_number_error"' in html
    # nothing the user typed is lost
    assert 'value="556036-0794"' in html
    assert 'value="inte-en-adress"' in html
    assert 'value="DE, XX"' in html
    assert "Vi behöver ett lån för att finansiera en större order till Tyskland." in html
    assert Case.objects.count() == 0


def test_unknown_postal_code_asks_for_the_municipality(client, people):
    response = client.post(FORM_URL, question_payload(postal_code="999 99"))
    html = response.content.decode()
    assert "Vi hittar inte postnumret 999 99" in html
    assert 'id="id_postal_code_error"' in html
    assert Case.objects.count() == 0
    # choosing the municipality instead files the question in that county
    response = client.post(
        FORM_URL, question_payload(postal_code="999 99", municipality_code=FALUN_MUNICIPALITY)
    )
    assert response.status_code == 302
    assert Case.objects.get().county_id == "20"


def test_chosen_municipality_without_a_postal_code_decides_the_county(client, people):
    # A postal code in another county is asked about instead (test_intake_location.py).
    client.post(FORM_URL, question_payload(postal_code="", municipality_code=FALUN_MUNICIPALITY))
    case = Case.objects.get()
    assert case.county_id == "20" and case.municipality_id == FALUN_MUNICIPALITY
    assert case.office == people.dalarna_almi_office


def test_no_location_at_all_is_an_error_at_the_postal_code(client, db):
    html = client.post(FORM_URL, question_payload(postal_code="")).content.decode()
    assert "Ange företagets postnummer eller välj kommun" in html


def test_visa_lan_button_shows_the_county_without_javascript(client, db):
    payload = question_payload(preview="1", company_name="")
    html = client.post(FORM_URL, payload).content.decode()
    assert "Frågan går till regionalt exportcentrum i Skåne län (Malmö)." in html
    # a preview is not a submission: no errors for the rest, and the input is kept
    assert 'id="error-summary"' not in html
    assert "Vi behöver ett lån för att finansiera" in html
    assert Case.objects.count() == 0


def test_county_preview_endpoint_for_javascript(client, db):
    found = client.get(reverse("question-county-preview"), {"postal_code": "21120"}).json()
    assert found["ok"] and found["county"] == {"code": "12", "name": "Skåne län"}
    assert found["municipality"]["code"] == "1280"
    missing = client.get(reverse("question-county-preview"), {"postal_code": "99999"}).json()
    assert not missing["ok"] and "99999"[:3] in missing["message"]


def test_honeypot_rejects_without_saying_why(client, db, people):
    response = client.post(FORM_URL, question_payload(website="http://spam.example"))
    html = response.content.decode()
    assert Case.objects.count() == 0
    assert "Frågan kunde inte tas emot" in html
    assert 'id="id_website_error"' not in html
    assert "Lämna tomt:" not in html  # not listed in the error summary as a field


def test_rate_limit_per_ip_keeps_the_input(client, people, settings):
    settings.INTAKE_RATE_LIMIT = (2, 600)
    for _ in range(2):
        assert client.post(FORM_URL, question_payload()).status_code == 302
    response = client.post(FORM_URL, question_payload(company_name="Tredje AB"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "Vänta tio minuter" in html and 'value="Tredje AB"' in html
    assert Case.objects.count() == 2
    # another address is not affected
    assert client.post(FORM_URL, question_payload(), REMOTE_ADDR="10.1.2.3").status_code == 302


def test_signed_in_company_gets_prefilled_form_and_its_cases(client, people):
    client.force_login(people.company)
    client.post(FORM_URL, question_payload(company_name="Företaget AB"))
    case = Case.objects.get()
    assert case.company_user == people.company

    html = client.get(FORM_URL).content.decode()
    assert 'value="Företaget AB"' in html
    assert 'value="556036-0793"' in html
    assert "Dina tidigare frågor" in html and case.reference in html
    # the company sees its receipt later too (scoped through visible_to)
    client.cookies.clear()
    client.force_login(people.company)
    assert client.get(reverse("question-receipt", args=[case.reference])).status_code == 200


def test_staff_do_not_see_the_company_list(client, people):
    client.force_login(people.handler)
    assert "Dina tidigare frågor" not in client.get(FORM_URL).content.decode()


def test_format_deadline_in_both_languages():
    value = datetime(2026, 12, 28, 14, 0, tzinfo=UTC)
    assert format_deadline(value, "sv") == "måndag 28 december 2026 kl. 15.00"
    assert format_deadline(value, "en") == "Monday 28 December 2026 at 15:00"


def test_events_are_public_or_internal(people):
    case = case_create(data=_data())
    assert CaseEvent.objects.filter(case=case, internal=False).count() == 2
