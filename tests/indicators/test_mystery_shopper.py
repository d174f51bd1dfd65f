"""Mystery-shopper tests: created by national staff, enter the flow, never count, own report."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from indicators import definitions as d
from indicators.models import MysteryShopperTest
from regions.models import ActorType
from routing.models import Case
from tests.indicators.evaluate import value
from tests.indicators.factories import local


@pytest.fixture
def form(people):
    return {
        "county": "12",
        "expected_actor_type": "almi",
        "topic": "",
        "question": "Vi behöver lån för att kunna leverera en stor order till Norge.",
        "company_name": "Testbolaget AB",
        "org_number": "5560360793",
        "contact_name": "Test Testsson",
        "email": "matning@tillvaxtverket.example",
        "note": "",
    }


def test_national_creates_test_question_that_looks_like_a_case(client, people, form):
    client.force_login(people.national)
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        response = client.post(reverse("mystery-shopper-create"), form)
    assert response.status_code == 302
    test = MysteryShopperTest.objects.get()
    case = test.case
    assert case.is_test and case.county_id == "12"
    assert case.reference.startswith("REC-2026-")
    assert case.original_deadline_at == local(2026, 3, 3, 10)
    assert case.org_number == "5560360793"
    # Never in indicators.
    assert value(d.cases_received, "12", case.created_at.date(), case.created_at.date()) == 0


@pytest.mark.parametrize("who", ["coordinator", "handler", "company"])
def test_only_national_staff(client, people, form, who):
    client.force_login(getattr(people, who))
    assert client.get(reverse("mystery-shopper-report")).status_code == 404
    assert client.post(reverse("mystery-shopper-create"), form).status_code == 404
    assert not MysteryShopperTest.objects.exists()


def test_report_per_county_and_actor_against_baselines(client, people, form):
    client.force_login(people.national)
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        for county in ("12", "12", "20"):
            client.post(reverse("mystery-shopper-create"), {**form, "county": county})
    cases = list(Case.objects.filter(is_test=True).order_by("pk"))
    almi = people.skane_almi_office.actor
    region = people.skane_region_office.actor
    # Skåne 1: right actor (handler at Almi) in time. Skåne 2: wrong actor (region) in time.
    Case.objects.filter(pk=cases[0].pk).update(
        first_contact_at=local(2026, 3, 2, 15), first_contact_by=people.handler, assigned_actor=almi
    )
    Case.objects.filter(pk=cases[1].pk).update(
        first_contact_at=local(2026, 3, 2, 15),
        first_contact_by=people.region_handler,
        assigned_actor=region,
    )
    # Dalarna: nobody called back; the deadline has passed.
    with time_machine.travel(local(2026, 3, 10, 10), tick=False):
        response = client.get(reverse("mystery-shopper-report"))
    report = response.context["report"]
    assert (report["total"]["success"], report["total"]["decided"]) == (1, 3)
    by_county = {r["name"]: r for r in report["by_county"]}
    assert by_county["Skåne län"]["share"].percent == 50.0
    assert by_county["Skåne län"]["baselines"] == [-2.0, 10.0]  # vs 52 % and 40 %
    assert by_county["Dalarnas län"]["share"].percent == 0.0
    assert report["by_actor"][0]["name"] == ActorType.objects.get(code="almi").name
    assert "52 %" in response.content.decode()
