# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Questions that come in through other doors: staff register a call, an e-mail, a visit …

A registered question is routed, clocked, escalated and surveyed like a web question; the clock
starts when the company asked, not when the question was typed in.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from indicators.models import SurveyInvitation
from indicators.services import survey_dispatch
from regions.models import Municipality, Topic
from routing.clock import STOCKHOLM
from routing.deadlines import case_clock_fields
from routing.escalation import escalation_sweep
from routing.intake import QuestionData, case_create
from routing.models import Case, CaseEvent, OutboxMessage
from routing.registration import case_register
from routing.services import CaseActionError, case_close
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    catalogue,
    question_payload,
)

# Monday 1 June 2026: the company called at 09:00, the handler typed it in at 11:00.
RECEIVED = datetime(2026, 6, 1, 9, 0, tzinfo=STOCKHOLM)
TYPED_IN = datetime(2026, 6, 1, 11, 0, tzinfo=STOCKHOLM)
DEADLINE = datetime(2026, 6, 2, 9, 0, tzinfo=STOCKHOLM)  # one working day after the call
URL = reverse("case-register")


@pytest.fixture(autouse=True)
def typed_in():
    with time_machine.travel(TYPED_IN, tick=False) as traveller:
        yield traveller


def form_data(**overrides) -> dict:
    data = question_payload()
    del data["consent"], data["website"]
    data.update(
        channel="phone",
        received_at="2026-06-01T09:00",
        send_receipt="on",
        answered_outcome="",
        answer_note="",
    )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def question(**overrides) -> QuestionData:
    values = {
        "company_name": "Exempel Maskin AB",
        "org_number": "5560360793",
        "contact_name": "Karin Exempel",
        "email": "karin@exempel.se",
        "municipality": Municipality.objects.get(code="1280"),  # Malmö, Skåne
        "question": "Vi behöver ett lån för att finansiera en order till Tyskland.",
        "topic": Topic.objects.get(code="financing"),
        "target_countries": ["DE"],
    }
    values.update(overrides)
    return QuestionData(**values)


# --------------------------------------------------------------------------- routed and clocked


def test_phone_question_is_routed_and_clocked_from_when_it_was_received(client, catalogue, people):
    client.force_login(people.coordinator)
    response = client.post(URL, form_data())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("case-detail", args=[case.reference])

    assert case.intake_channel == Case.IntakeChannel.PHONE
    assert case.created_at == RECEIVED
    assert case.deadline_at == case.original_deadline_at == DEADLINE
    assert case.reminder_at == case_clock_fields(RECEIVED)["reminder_at"]
    # The same routing decision a web question gets: the engine's choice, stored and assigned.
    web = case_create(data=question(), now=TYPED_IN, send_receipt=False)
    assert case.decision.ranked == web.decision.ranked
    assert case.office == web.office and case.office is not None
    assert case.decision.override is None

    created = case.events.get(kind="created")
    assert created.at == RECEIVED
    assert created.actor_user == people.coordinator
    assert created.data["channel"] == "phone"
    assert datetime.fromisoformat(created.data["registered_at"]) == TYPED_IN
    assert case.events.filter(kind="assigned").exists()
    receipt = OutboxMessage.objects.get(case=case, kind="receipt")
    assert receipt.to == "karin@exempel.se"

    page = client.get(reverse("case-detail", args=[case.reference])).content.decode()
    assert "Telefon" in page


def test_no_receipt_when_the_company_does_not_want_one(client, catalogue, people):
    client.force_login(people.coordinator)
    client.post(URL, form_data(send_receipt=None, channel="visit"))
    case = Case.objects.get()
    assert case.intake_channel == Case.IntakeChannel.VISIT
    assert not OutboxMessage.objects.filter(case=case, kind="receipt").exists()
    history = client.get(reverse("case-detail", args=[case.reference])).content.decode()
    assert "(Besök)" in history and "(visit)" not in history


def test_registered_question_is_escalated_like_a_web_one(catalogue, people):
    phone = case_register(
        data=question(), user=people.coordinator, channel="phone",
        received_at=RECEIVED, send_receipt=False,
    )  # fmt: skip
    web = case_create(data=question(), now=RECEIVED, send_receipt=False)
    reminder = datetime(2026, 6, 2, 3, 0, tzinfo=STOCKHOLM)  # 18 working hours after the call
    for when in (reminder, DEADLINE, datetime(2026, 6, 3, 9, 0, tzinfo=STOCKHOLM)):
        with time_machine.travel(when, tick=False):
            escalation_sweep(when)
    for case in (phone, web):
        levels = case.escalations.order_by("level").values_list("level", "due_at")
        assert list(levels) == [
            (1, reminder),
            (2, DEADLINE),
            (3, datetime(2026, 6, 3, 9, 0, tzinfo=STOCKHOLM)),
        ]
        assert case.events.filter(kind="escalated").count() == 3


def test_registered_question_is_surveyed_after_closing(catalogue, people, settings):
    settings.SURVEY_DELAY = timedelta(days=1)
    case = case_register(
        data=question(), user=people.handler, channel="email", received_at=RECEIVED,
        send_receipt=True, keep_reason="Företaget är redan kund hos oss.",
    )  # fmt: skip
    case_close(case=case, user=people.handler, outcome="answered")
    assert survey_dispatch(now=case.closed_at + timedelta(days=1, minutes=1)) == 1
    invitation = SurveyInvitation.objects.get()
    assert invitation.case == case
    assert OutboxMessage.objects.filter(case=case, kind="survey_followup").count() == 1


# --------------------------------------------------------------------------- kept, answered


def test_handler_keeps_the_question_at_their_office_with_a_reason(client, catalogue, people):
    client.force_login(people.handler)  # Almi Skåne
    response = client.post(
        URL,
        form_data(
            topic="market_analysis",
            question="Vilka marknader i Asien passar vår produkt? Vi behöver en marknadsanalys.",
            target_countries="JP",
            keep_reason="Företaget har lån hos oss och ringde sin kontakt.",
        ),
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.office == people.skane_almi_office
    assert case.handler == people.handler
    assert case.status == Case.Status.ASSIGNED
    override = case.decision.override
    assert override is not None and override.to_office == people.skane_almi_office.pk
    assert override.from_office == catalogue.business_sweden_office.pk
    event = case.events.get(kind="routing_overridden")
    assert event.actor_user == people.handler
    assert event.message == "Företaget har lån hos oss och ringde sin kontakt."
    assert event.from_value == "Business Sweden Skåne"
    assert event.to_value == "Almi Skåne"


def test_answered_in_the_call_is_registered_closed_and_counted(client, catalogue, people):
    client.force_login(people.region_handler)
    response = client.post(
        URL, form_data(answered_outcome="answered", answer_note="Tipsade om exportkrediter.")
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.status == Case.Status.CLOSED
    assert case.outcome == Case.Outcome.ANSWERED
    assert case.first_contact_at == RECEIVED  # first contact = when the company called
    assert case.first_contact_channel == Case.Channel.PHONE
    assert case.first_contact_by == people.region_handler
    assert case.first_contact_in_time is True
    assert case.closed_at == TYPED_IN
    # The handler gave the advice: the case is theirs, recorded as an override if routing
    # would have sent it elsewhere.
    assert case.office == people.skane_region_office
    assert case.handler == people.region_handler
    kinds = list(case.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[0] == "created" and kinds[-1] == "closed"
    assert case.events.get(kind="first_contact").at == RECEIVED
    assert case.events.get(kind="closed").message == "Tipsade om exportkrediter."
    # Nothing to promise the company any more: no receipt.
    assert not OutboxMessage.objects.filter(case=case, kind="receipt").exists()


def test_a_handler_routed_elsewhere_lands_on_the_dashboard(client, catalogue, people):
    client.force_login(people.handler)  # Almi Skåne; market analysis goes to Business Sweden
    response = client.post(
        URL, form_data(topic="market_analysis", question="Vi behöver en marknadsanalys för Japan.")
    )
    case = Case.objects.get()
    assert case.office == catalogue.business_sweden_office
    assert response.status_code == 302 and response.url == reverse("dashboard")


# --------------------------------------------------------------------------- the form


def test_errors_are_shown_at_the_field_with_the_input_kept(client, catalogue, people):
    client.force_login(people.handler)
    response = client.post(
        URL,
        form_data(received_at="2026-06-01T11:30", org_number="123", company_name="Kvar AB"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tidpunkten kan inte ligga i framtiden." in html
    assert 'value="2026-06-01T11:30"' in html
    assert 'value="Kvar AB"' in html
    assert "Ange ett giltigt organisationsnummer" in html
    assert set(response.context["form"].errors) == {"received_at", "org_number"}
    assert re.search(r'<input[^>]*name="received_at"[^>]*aria-invalid="true"', html)
    assert "error-summary" in html
    assert not Case.objects.exists()


def test_implausibly_old_and_missing_received_time(client, catalogue, people):
    client.force_login(people.handler)
    html = client.post(URL, form_data(received_at="2026-04-01T09:00")).content.decode()
    assert "mer än 30 dagar sedan" in html
    response = client.post(URL, form_data(received_at="", channel="fax"))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"received_at", "channel"}
    assert not Case.objects.exists()


def test_the_web_and_api_are_not_staff_channels(catalogue, people):
    with pytest.raises(CaseActionError):
        case_register(
            data=question(), user=people.coordinator, channel="web",
            received_at=RECEIVED, send_receipt=False,
        )  # fmt: skip


def test_the_page_speaks_english(client, people):
    client.force_login(people.handler)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How did the question come in?" in html


# --------------------------------------------------------------------------- access


def test_handler_cannot_register_a_company_of_another_county(client, catalogue, people):
    client.force_login(people.other_handler)  # Almi Dalarna; the company is in Malmö
    response = client.post(URL, form_data())
    assert response.status_code == 400
    html = response.content.decode()
    assert "Du kan bara registrera frågor från företag i ditt eget län" in html
    assert re.search(r'<input[^>]*name="postal_code"[^>]*aria-invalid="true"', html)
    assert not Case.objects.exists()


def test_coordinator_cannot_register_into_another_county(client, catalogue, people):
    client.force_login(people.other_coordinator)
    response = client.post(URL, form_data(municipality_code="1280", postal_code=""))
    assert response.status_code == 400
    assert not Case.objects.exists()
    with pytest.raises(CaseActionError):
        case_register(
            data=question(), user=people.other_coordinator, channel="phone",
            received_at=RECEIVED, send_receipt=False,
        )  # fmt: skip
    assert not Case.objects.exists()


def test_coordinator_registers_for_their_county(client, catalogue, people):
    client.force_login(people.coordinator)
    assert client.get(URL).status_code == 200
    assert client.post(URL, form_data(channel="referral")).status_code == 302
    assert Case.objects.get().intake_channel == Case.IntakeChannel.REFERRAL


@pytest.mark.parametrize("who", ["national", "company"])
def test_the_page_denies_the_outsider(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get(URL).status_code == 404
    assert client.post(URL, form_data()).status_code == 404
    assert not Case.objects.exists()


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url


def test_only_handlers_may_keep_a_question(catalogue, people):
    with pytest.raises(CaseActionError):
        case_register(
            data=question(), user=people.coordinator, channel="phone", received_at=RECEIVED,
            send_receipt=False, keep_reason="Jag tar den.",
        )  # fmt: skip
    assert not CaseEvent.objects.exists()


def test_api_questions_are_marked_as_api(client, catalogue, people):
    payload = question_payload()
    del payload["website"]
    payload.update(consent=True, target_countries=["DE"])
    response = client.post(reverse("api-question-create"), payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Case.objects.get().intake_channel == Case.IntakeChannel.API


@pytest.mark.parametrize(
    "overrides",
    [
        {"received_at": "0001-01-01T00:00"},
        {"received_at": "9999-12-31T23:59"},
        {"received_at": "2026-13-45T25:61"},
        {"company_name": "x" * 300, "question": "å" * 6000},
        {"answered_outcome": "duplicate", "channel": "web"},
        {"municipality_code": "9999", "postal_code": "99999"},
    ],
)
def test_hostile_input_is_a_form_error_never_a_500(client, catalogue, people, overrides):
    client.force_login(people.handler)
    response = client.post(URL, form_data(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Case.objects.exists()


def test_a_nul_byte_is_refused_before_the_form(client, catalogue, people):
    client.force_login(people.handler)
    assert client.post(URL, form_data(company_name="Noll\x00AB")).status_code == 400
    assert not Case.objects.exists()
