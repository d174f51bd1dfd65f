"""Follow-up and effect surveys: dispatch after closing, signed link, one answer per case."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from indicators.models import SurveyInvitation, SurveyResponse
from indicators.services import survey_dispatch, survey_invitation_from_token, survey_token
from routing.models import OutboxMessage
from tests.indicators.factories import CaseFactory, local

NOW = local(2026, 3, 10, 12)


@pytest.fixture
def closed_case(db, people):
    return CaseFactory(
        county=people.skane,
        created_at=local(2026, 3, 2, 10),
        status="closed",
        closed_at=local(2026, 3, 5, 10),
        outcome="answered",
        language="en",
    )


def test_followup_invitation_and_email_after_the_delay(closed_case, settings):
    settings.SURVEY_DELAY = timedelta(days=1)
    assert survey_dispatch(now=local(2026, 3, 6, 9)) == 0  # 23 hours after closing
    assert survey_dispatch(now=NOW) == 1
    invitation = SurveyInvitation.objects.get()
    assert (invitation.kind, invitation.language) == ("followup", "en")
    message = OutboxMessage.objects.get()
    assert message.to == closed_case.email
    assert message.kind == "survey_followup"
    # The link carries this invitation's signed token (signed with a timestamp, so a token made
    # here a second later differs: read the mail's token and resolve it instead).
    prefix = reverse("survey-answer", args=["TOKEN"]).split("TOKEN")[0]
    token = message.body_text.split(prefix, 1)[1].split("/", 1)[0]
    assert survey_invitation_from_token(token) == invitation
    assert message.language == "en"
    assert "How did it go" in message.subject


def test_dispatch_is_idempotent(closed_case):
    assert survey_dispatch(now=NOW) == 1
    assert survey_dispatch(now=NOW) == 0
    assert SurveyInvitation.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_effect_question_six_months_later(closed_case, settings):
    settings.EFFECT_SURVEY_DELAY = timedelta(days=182)
    survey_dispatch(now=NOW)
    assert survey_dispatch(now=NOW + timedelta(days=150)) == 0
    assert survey_dispatch(now=closed_case.closed_at + timedelta(days=182, minutes=1)) == 1
    assert set(SurveyInvitation.objects.values_list("kind", flat=True)) == {"followup", "effect"}


def test_test_cases_and_open_cases_get_no_survey(people):
    CaseFactory(
        county=people.skane,
        created_at=local(2026, 3, 2),
        status="closed",
        closed_at=local(2026, 3, 3),
        is_test=True,
    )
    CaseFactory(county=people.skane, created_at=local(2026, 3, 2))
    assert survey_dispatch(now=NOW) == 0


def test_company_answers_from_its_link(client, closed_case):
    survey_dispatch(now=NOW)
    url = reverse("survey-answer", args=[survey_token(SurveyInvitation.objects.get())])
    page = client.get(url)
    assert page.status_code == 200
    assert 'lang="sv"' in page.content.decode() or "Did you" in page.content.decode()
    response = client.post(
        url, {"right_actor_in_time": "yes", "got_help": "partly", "comment": "Bra"}
    )
    assert response.status_code == 200
    answer = SurveyResponse.objects.get()
    assert (answer.right_actor_in_time, answer.got_help, answer.case) == (
        "yes",
        "partly",
        closed_case,
    )
    # One answer per case: a second post changes nothing.
    client.post(url, {"right_actor_in_time": "no", "got_help": "no"})
    assert SurveyResponse.objects.get().right_actor_in_time == "yes"


def test_survey_shown_in_the_cases_language(client, closed_case):
    survey_dispatch(now=NOW)
    url = reverse("survey-answer", args=[survey_token(SurveyInvitation.objects.get())])
    html = client.get(url).content.decode()
    assert "Did you get in touch with the right organisation within one working day?" in html


def test_missing_answer_keeps_the_other_and_shows_error(client, closed_case):
    survey_dispatch(now=NOW)
    url = reverse("survey-answer", args=[survey_token(SurveyInvitation.objects.get())])
    response = client.post(url, {"got_help": "no", "comment": "Min text"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in html and "Min text" in html
    assert 'value="no" checked' in html or "checked" in html
    assert not SurveyResponse.objects.exists()


def test_forged_or_expired_links_are_404(client, closed_case, settings):
    survey_dispatch(now=NOW)
    token = survey_token(SurveyInvitation.objects.get())
    assert client.get(reverse("survey-answer", args=[token[:-2] + "xx"])).status_code == 404
    settings.SURVEY_LINK_MAX_AGE = timedelta(days=30)
    with time_machine.travel(NOW + timedelta(days=400)):
        assert client.get(reverse("survey-answer", args=[token])).status_code == 404


def test_effect_survey_form(client, closed_case):
    invitation = SurveyInvitation.objects.create(case=closed_case, kind="effect", created_at=NOW)
    url = reverse("survey-answer", args=[survey_token(invitation)])
    client.post(url, {"went_on": "preparing"})
    assert SurveyResponse.objects.get().went_on == "preparing"
