"""Erasure and access on request: a coordinator or national user finds everything about a person
or company in their remit, hands it out, or erases it with a recorded reason."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from indicators.models import ActivityParticipant
from indicators.services import activity_add_participants
from privacy.models import ErasureRecord
from privacy.policy import NOT_PERSONAL_FIELDS, PERSONAL_FIELDS
from routing.intake import case_create
from routing.models import Case, CaseEvent, OutboxMessage
from routing.services import case_add_note
from tests.factories import question_data
from tests.people import People

EMAIL = "karin@exempel.se"
ORG = "5560360793"


def _file(people: People, *, email=EMAIL, org=ORG, municipality="1280") -> Case:
    return case_create(
        data=question_data(
            org_number=org, email=email, phone="040-12 34 56", municipality=municipality
        )
    )


@pytest.fixture
def skane_case(people) -> Case:
    case = _file(people)
    case_add_note(case=case, user=people.coordinator, text="Ringde Karin på 040-12 34 56.")
    return case


def test_coordinator_finds_everything_about_an_email_address_in_the_county(
    client, people, skane_case
):
    client.force_login(people.coordinator)
    html = client.get(reverse("privacy-search"), {"q": EMAIL}).content.decode()
    assert skane_case.reference in html
    assert "Vi behöver ett lån" in html
    assert "Radera uppgifterna" in html


@pytest.mark.parametrize("query", ["556036-0793", "5560360793", "040 123456", "+46 40 12 34 56"])
def test_the_same_case_is_found_by_org_number_and_phone_in_any_format(
    client, people, skane_case, query
):
    client.force_login(people.coordinator)
    html = client.get(reverse("privacy-search"), {"q": query}).content.decode()
    assert skane_case.reference in html


def test_other_county_finds_nothing_and_handlers_and_anonymous_are_turned_away(
    client, people, skane_case
):
    client.force_login(people.other_coordinator)
    html = client.get(reverse("privacy-search"), {"q": EMAIL}).content.decode()
    assert skane_case.reference not in html and "Inga ärenden." in html
    client.force_login(people.handler)
    assert client.get(reverse("privacy-search"), {"q": EMAIL}).status_code == 404
    assert client.post(reverse("privacy-erase"), {"q": EMAIL}).status_code == 404
    assert client.get(reverse("privacy-register")).status_code == 404
    client.logout()
    response = client.get(reverse("privacy-search"), {"q": EMAIL})
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_access_export_as_json_is_logged(client, people, skane_case):
    client.force_login(people.national)
    response = client.get(reverse("privacy-search"), {"q": EMAIL, "format": "json"})
    body = response.json()
    assert body["cases"][0]["question"].startswith("Vi behöver ett lån")
    assert body["cases"][0]["email"] == EMAIL
    assert any("040-12 34 56" in row["message"] for row in body["case_history"])
    assert body["mail"] and body["mail"][0]["to"] == EMAIL
    assert ErasureRecord.objects.get(kind="access").by == people.national


def test_erasure_needs_a_reason_and_a_confirmation_and_keeps_the_input(client, people, skane_case):
    client.force_login(people.coordinator)
    response = client.post(reverse("privacy-erase"), {"q": EMAIL, "reason": "Begäran per mejl"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bekräfta att uppgifterna ska raderas." in html
    assert "Begäran per mejl" in html
    assert Case.objects.get().anonymised_at is None


def test_erasure_removes_personal_data_everywhere_and_logs_that_not_what(
    client, people, skane_case
):
    client.force_login(people.coordinator)
    response = client.post(
        reverse("privacy-erase"),
        {"q": EMAIL, "reason": "Begäran om radering per e-post", "confirm": "on"},
    )
    assert response.status_code == 200
    assert "1 ärende anonymiserades." in response.content.decode()
    case = Case.objects.get()
    assert (case.company_name, case.contact_name, case.email, case.phone, case.question) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert case.org_number.startswith("P") and ORG not in case.org_number
    assert case.county_id == "12" and case.assigned_actor_id is not None
    assert not CaseEvent.objects.filter(case=case).exclude(message="").exists()
    assert not OutboxMessage.objects.filter(case=case).exclude(body_text="").exists()
    erased = CaseEvent.objects.get(case=case, kind="personal_data_erased")
    assert erased.message == "" and erased.data == {}
    record = ErasureRecord.objects.get(kind="erasure")
    assert record.reason == "Begäran om radering per e-post" and record.by == people.coordinator
    assert EMAIL not in str(record.counts)
    # Nothing left to find.
    html = client.get(reverse("privacy-search"), {"q": EMAIL}).content.decode()
    assert case.reference not in html


def test_register_of_processing_lists_every_retention_rule(client, people):
    client.force_login(people.national)
    html = client.get(reverse("privacy-register")).content.decode()
    assert "Register över behandlingar" in html
    assert "36 månader" in html and "30 dagar" in html


# Field names that mean personal data wherever they appear.
_PERSONAL_NAMES = {"email", "phone", "org_number", "personnummer", "contact_name", "to"}


def test_every_field_with_personal_data_is_covered_by_the_privacy_tools():
    """A new model with an e-mail, phone or organisation/personnummer field fails here until it
    is listed in privacy.policy.PERSONAL_FIELDS (and so covered by search, access and erasure)."""
    missing = []
    for model in apps.get_models():
        label = model._meta.label_lower
        for field in model._meta.get_fields():
            if not isinstance(field, models.Field):
                continue
            if isinstance(field, models.EmailField) or field.name in _PERSONAL_NAMES:
                covered = PERSONAL_FIELDS.get(label, ()) + NOT_PERSONAL_FIELDS.get(label, ())
                if field.name not in covered:
                    missing.append(f"{label}.{field.name}")
    assert missing == []


def test_participants_with_a_personnummer_are_flagged(people):
    from indicators.models import Activity

    activity = Activity.objects.create(
        county=people.skane, kind="seminar", title="Seminarium", date="2026-11-02"
    )
    activity_add_participants(
        activity=activity, companies={"8112289874": "Enskild firma", ORG: "Exempel AB"}
    )
    flags = dict(ActivityParticipant.objects.values_list("org_number", "org_number_is_personal"))
    assert flags == {"8112289874": True, ORG: False}
