"""The coordinator's county case list: open cases first by deadline, filters and search."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from routing.models import Case
from routing.services import case_record_first_contact
from tests.routing.conftest import WEDNESDAY
from tests.routing.factories_cases import make_case

NOW = WEDNESDAY
pytestmark = pytest.mark.usefixtures("frozen")  # tests/routing/conftest.py


@pytest.fixture
def cases(people):
    return {
        "old_closed": make_case(
            office=people.skane_almi_office,
            submitted_at=NOW - timedelta(days=200),
            status=Case.Status.CLOSED,
            closed_at=NOW - timedelta(days=190),
        ),
        "late": make_case(office=people.skane_almi_office, submitted_at=NOW - timedelta(days=3)),
        "new": make_case(office=people.skane_region_office, submitted_at=NOW),
        "mid": make_case(
            office=people.skane_almi_office,
            submitted_at=NOW - timedelta(hours=2),
            company_name="Glasbruket i Skåne AB",
            org_number="559012-3456",
            email="eva@glasbruket.example",
        ),
        "dalarna": make_case(office=people.dalarna_almi_office, submitted_at=NOW),
    }


def rows(client, **params):
    response = client.get(reverse("coordinator-cases"), params)
    assert response.status_code == 200
    return [row.case for row in response.context["page"].rows]


def test_default_is_open_cases_nearest_deadline_first(client, people, cases):
    client.force_login(people.coordinator)
    assert rows(client) == [cases["late"], cases["mid"], cases["new"]]


def test_cases_waiting_for_contact_come_before_contacted_ones(client, people, cases):
    # "late" has the earliest deadline, but once the company is reached it asks nothing more
    # of anyone: the cases still waiting for contact lead the list.
    case_record_first_contact(case=cases["late"], user=people.handler, channel="phone", at=NOW)
    client.force_login(people.coordinator)
    assert rows(client) == [cases["mid"], cases["new"], cases["late"]]
    html = client.get(reverse("coordinator-cases")).content.decode()
    assert "de som väntar på kontakt, tidigast frist först" in html


def test_all_statuses_put_closed_cases_after_the_open_ones(client, people, cases):
    client.force_login(people.coordinator)
    assert rows(client, status="all")[-1] == cases["old_closed"]
    assert rows(client, status="closed") == [cases["old_closed"]]


def test_filters_by_office_actor_and_overdue(client, people, cases):
    client.force_login(people.coordinator)
    assert rows(client, office=people.skane_region_office.pk) == [cases["new"]]
    region_actor = people.skane_region_office.actor_id
    assert rows(client, actor=region_actor) == [cases["new"]]
    assert rows(client, overdue="on") == [cases["late"]]


@pytest.mark.parametrize(
    "text", ["glasbruket", "5590123456", "559012-3456", "eva@glasbruket", "REF"]
)
def test_search_by_reference_company_org_number_and_email(client, people, cases, text):
    client.force_login(people.coordinator)
    if text == "REF":
        text = cases["mid"].reference.lower()
    assert rows(client, q=text) == [cases["mid"]]


def test_offices_of_another_county_are_not_offered_and_bad_input_falls_back(client, people, cases):
    client.force_login(people.coordinator)
    html = client.get(reverse("coordinator-cases")).content.decode()
    assert "Almi Dalarna" not in html
    assert 'type="search"' in html
    # A foreign office or a nonsense status is ignored, never a 500 or someone else's cases.
    assert rows(client, office=people.dalarna_almi_office.pk, status="x") == [
        cases["late"],
        cases["mid"],
        cases["new"],
    ]


def test_the_list_is_paginated_keeping_the_filters(client, people, cases):
    for hour in range(55):
        make_case(office=people.skane_almi_office, submitted_at=NOW - timedelta(minutes=hour))
    client.force_login(people.coordinator)
    html = client.get(reverse("coordinator-cases"), {"q": "Exportbolaget"}).content.decode()
    assert "Sida 1 av 2" in html
    assert "q=Exportbolaget&amp;sida=2" in html
