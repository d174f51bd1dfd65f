# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""What the company is told after filing: the status page promises contact only until someone
has contacted it, the handler's mails carry the office's Reply-To, and referral and closure
reach the company by e-mail in its own language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from privacy.services import cases_anonymise
from routing.company_view import case_status_path
from routing.models import Case, OutboxMessage
from routing.outbox import outbox_send
from routing.services import case_close, case_email_company, case_record_first_contact, case_refer
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    catalogue,
    question_payload,
)

ALMI_EMAIL = "skane@almi.example.se"
REGION_EMAIL = "export@region.example.se"


@pytest.fixture
def filed(client, people, catalogue):
    """A question filed through the form (routed to Almi Skåne), offices with inboxes."""

    def file(language: str = "sv") -> Case:
        for office, email in (
            (people.skane_almi_office, ALMI_EMAIL),
            (people.skane_region_office, REGION_EMAIL),
        ):
            office.email = email
            office.save(update_fields=["email"])
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        response = client.post("/fraga/", question_payload(language=language))
        assert response.status_code == 302
        case = Case.objects.get()
        assert case.office == people.skane_almi_office
        return case

    return file


def _status_text(client, case: Case) -> str:
    response = client.get(case_status_path(case))
    assert response.status_code == 200
    return response.content.decode()


def test_status_page_promises_contact_only_until_the_company_was_contacted(client, people, filed):
    case = filed()
    assert "Du blir kontaktad senast" in _status_text(client, case)

    case_record_first_contact(case=case, user=people.handler, channel="phone", at=timezone.now())

    page = _status_text(client, case)
    assert "Du blir kontaktad senast" not in page
    assert "har din fråga och har kontaktat dig" in page
    assert "Vi kontaktade dig (telefon)" in page
    assert ALMI_EMAIL in page  # how to reach the office that has the question


def test_handler_mail_replies_go_to_the_office_and_the_mail_says_so(people, filed):
    case = filed()
    case_email_company(case=case, user=people.handler, subject="Ert lån", body="Vi ringer.")

    message = OutboxMessage.objects.get(case=case, kind="company_message")
    assert message.reply_to == ALMI_EMAIL
    assert f"svaret går till Almi Skåne ({ALMI_EMAIL})" in message.body_text
    assert outbox_send(message.pk)
    [sent] = [m for m in mail.outbox if m.subject == "Ert lån"]
    assert sent.reply_to == [ALMI_EMAIL]


def test_referral_and_closure_reach_the_company_in_its_language(people, filed):
    case = filed("en")
    case_refer(case=case, user=people.handler, office=people.skane_region_office, reason="Check")
    case_close(case=case, user=people.region_handler, outcome="answered", note="internt")

    referred = OutboxMessage.objects.get(case=case, kind="company_referred")
    closed = OutboxMessage.objects.get(case=case, kind="company_closed")
    for message in (referred, closed):
        assert (message.to, message.language, message.reply_to) == (
            "karin@exempel.se",
            "en",
            REGION_EMAIL,
        )
        assert "/fraga/status/" in message.body_text
        assert "internt" not in message.body_text and "Check" not in message.body_text
    assert referred.subject == f"Your question {case.reference} has been passed on"
    assert "passed on to Region Skåne, who can help you better" in referred.body_text
    assert "Your question has been answered." in closed.body_text


def test_no_mail_to_a_company_whose_data_was_erased(people, filed):
    case = filed()
    cases_anonymise([case], now=timezone.now())
    case.refresh_from_db()
    case_close(case=case, user=people.handler, outcome="answered")
    assert not OutboxMessage.objects.filter(case=case, kind="company_closed").exists()
