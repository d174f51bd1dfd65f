# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""The handler's side of a referral and of overdue: the receiving office's acknowledgement is its
own step, the referring office keeps reading what it handled, one definition of overdue, readable
history, and a notification when a new case arrives."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse

from routing import selectors, services
from routing.access import case_actions_for
from routing.clock import STOCKHOLM
from routing.deadlines import case_is_overdue
from routing.intake import case_create
from routing.models import Case, OutboxMessage
from tests.factories import question_data
from tests.routing.conftest import WEDNESDAY
from tests.routing.factories_cases import make_case
from tests.routing.intake_support import _fresh_cache, catalogue  # noqa: F401 - fixtures


@pytest.fixture
def referred(people, frozen):
    """Almi Skåne reached the company in time, then referred the case to Region Skåne."""
    case = make_case(
        office=people.skane_almi_office,
        submitted_at=WEDNESDAY - timedelta(hours=2),
        handler=people.handler,
    )
    services.case_record_first_contact(
        case=case, user=people.handler, channel="phone", at=WEDNESDAY - timedelta(hours=1)
    )
    services.case_refer(
        case=case, user=people.handler, office=people.skane_region_office, reason="Checkar."
    )
    return case


def detail(case):
    return reverse("case-detail", args=[case.reference])


# --------------------------------------------------------------------------- acknowledgement


def test_the_receiving_office_claims_then_records_its_own_acknowledgement(people, referred):
    services.case_claim(case=referred, user=people.region_handler)
    assert referred.status == Case.Status.REFERRED  # claimed, not yet acknowledged
    assert "first_contact" in case_actions_for(people.region_handler, referred)

    services.case_record_first_contact(
        case=referred, user=people.region_handler, channel="email", at=WEDNESDAY
    )
    referred.refresh_from_db()
    assert referred.status == Case.Status.CONTACTED
    assert referred.first_contact_by == people.handler  # the company's first contact stays
    step = selectors.case_referral_step(list(referred.events.order_by("at", "id")))
    assert step.acknowledged.kind == "referral_acknowledged"
    assert step.acknowledged_at == WEDNESDAY


def test_case_page_shows_the_acknowledgement_as_its_own_step(client, people, referred, frozen):
    client.force_login(people.region_handler)
    html = client.get(detail(referred)).content.decode()
    assert "Tid kvar för mottagande kontors bekräftelse" in html
    assert "Region Skåne har inte bekräftat ännu" in html
    assert "(före hänvisningen)" in html  # Almi's contact is not shown as the receiver's
    assert "Registrera mottagande kontors kontakt" in html

    client.post(reverse("case-action", args=[referred.reference, "claim"]))
    response = client.post(
        reverse("case-action", args=[referred.reference, "first_contact"]),
        {"first_contact-channel": "phone", "first_contact-at": "2026-06-03T10:00"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(detail(referred)).content.decode()
    acknowledgement = html[html.index('id="referral-acknowledgement"') :][:300]
    assert "3 juni 2026 10:00" in acknowledgement
    assert "Tid kvar för mottagande kontors bekräftelse" not in html


# --------------------------------------------------------------------------- referring office


def test_the_referring_office_keeps_reading_the_case_but_cannot_act(client, people, referred):
    client.force_login(people.handler)
    response = client.get(detail(referred))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ert kontor hänvisade ärendet vidare" in html
    assert "Hänvisat till annan aktör" in html
    assert case_actions_for(people.handler, referred) == frozenset()
    note = client.post(
        reverse("case-action", args=[referred.reference, "note"]), {"note-text": "Hej"}
    )
    assert note.status_code == 302
    assert not referred.events.filter(kind="note").exists()

    inbox = client.get(reverse("handler-inbox"))
    assert [row.case for row in inbox.context["referred_by_us"]] == [referred]
    assert "Hänvisade av oss" in inbox.content.decode()


@pytest.mark.parametrize("who", ["other_handler", "other_coordinator", "company"])
def test_other_offices_do_not_see_a_referred_case(client, people, referred, who):
    client.force_login(getattr(people, who))
    assert client.get(detail(referred)).status_code == 404


# --------------------------------------------------------------------------- overdue


def test_one_definition_of_overdue_for_inbox_case_page_and_lists(client, people, referred, frozen):
    """A referred case not acknowledged in time is overdue everywhere, although the referring
    office's first contact was within the company's deadline."""
    frozen.shift(timedelta(days=2))
    now = WEDNESDAY + timedelta(days=2)
    assert case_is_overdue(referred, now)
    assert referred in selectors.overdue_cases(people.coordinator, now=now)

    client.force_login(people.region_handler)
    [row] = client.get(reverse("handler-inbox")).context["queue"]
    assert row.overdue
    page = client.get(detail(referred))
    assert page.context["row"].overdue
    html = page.content.decode()
    assert "Försenat" in html and "inom företagets frist" in html

    services.case_record_first_contact(
        case=referred, user=people.region_handler, channel="phone", at=now
    )
    assert not case_is_overdue(referred, now)
    assert referred not in selectors.overdue_cases(people.coordinator, now=now)


# --------------------------------------------------------------------------- history


def test_history_reads_in_words_in_both_languages(client, people, referred):
    client.force_login(people.handler)
    for language, expected in (
        ("sv", ("från Almi Skåne till Region Skåne", "Telefon", "3 juni 2026 09:00")),
        ("en", ("from Almi Skåne to Region Skåne", "3 June 2026, 09:00")),
    ):
        html = client.get(detail(referred), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        history = html[html.index('id="history"') : html.index("</ol>", html.index('id="history"'))]
        for text in expected:
            assert text in history, (language, text)
        for raw in ("handler_assigned", "first_contact", "→", "REC-", "assigned:"):
            assert raw not in history, (language, raw)


# --------------------------------------------------------------------------- notification


def test_a_new_case_notifies_its_handler_held_to_the_working_morning(client, people, catalogue):
    saturday = datetime(2026, 6, 6, 12, 0, tzinfo=STOCKHOLM)
    with time_machine.travel(saturday, tick=False):
        case = case_create(
            data=question_data(question="Vi behöver ett lån för att finansiera en order.")
        )
    mail = OutboxMessage.objects.get(case=case, kind="staff_new_case")
    assert mail.to == case.handler.email
    assert mail.send_after.astimezone(STOCKHOLM).weekday() == 0  # Monday morning
    assert case.reference in mail.subject
    [link] = [line for line in mail.body_text.split() if line.startswith("http")]
    client.force_login(case.handler)
    assert client.get(urlsplit(link).path).status_code == 200
