"""National staff's late-case list and what they can do about a case on it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from routing.models import Case, OutboxMessage
from routing.services import case_refer
from tests.routing.conftest import WEDNESDAY
from tests.routing.factories_cases import make_case

NOW = WEDNESDAY
pytestmark = pytest.mark.usefixtures("frozen")  # tests/routing/conftest.py


@pytest.fixture
def cases(people):
    people.skane_region_office.email = "region@skane.example"
    people.skane_region_office.save(update_fields=["email"])
    return {
        # Monday 09:00: deadline Tuesday 09:00, national level Wednesday 09:00.
        "long_late": make_case(
            office=people.skane_almi_office, submitted_at=NOW - timedelta(days=2, hours=1)
        ),
        # Overdue, but by less than one working day: the county's list, not the national one.
        "just_late": make_case(
            office=people.skane_almi_office, submitted_at=NOW - timedelta(days=1, hours=2)
        ),
        "in_time": make_case(office=people.skane_almi_office, submitted_at=NOW),
    }


def test_the_national_list_is_the_cases_more_than_a_working_day_past_the_deadline(
    client, people, cases
):
    client.force_login(people.national)
    response = client.get(reverse("national-overdue"))
    assert [row.case for row in response.context["page"].rows] == [cases["long_late"]]
    html = response.content.decode()
    assert "Mer än en arbetsdag efter fristen" in html
    assert all(row.overdue for row in response.context["page"].rows)


def test_a_referred_case_leaves_the_national_list_with_its_new_clock(client, people, cases):
    case_refer(
        case=cases["long_late"],
        user=people.coordinator,
        office=people.skane_region_office,
        reason="Regionen tar det",
    )
    client.force_login(people.national)
    assert client.get(reverse("national-overdue")).context["page"].rows == []


def test_the_national_list_is_linked_from_the_menu_and_the_deadline_box(client, people, cases):
    client.force_login(people.national)
    html = client.get(reverse("national-dashboard")).content.decode()
    url = reverse("national-overdue")
    assert html.count(f'href="{url}"') == 2  # the menu and the deadline box
    client.force_login(people.coordinator)
    assert url not in client.get(reverse("coordinator-cases")).content.decode()


def test_national_staff_ask_the_coordinator_by_email(client, people, cases):
    case = cases["long_late"]
    client.force_login(people.national)
    response = client.post(
        reverse("case-action", args=[case.reference, "ask_coordinator"]),
        {"ask_coordinator-question": "Vem tar det här ärendet?"},
    )
    assert response.status_code == 302
    [mail] = OutboxMessage.objects.filter(kind="staff_ask_coordinator")
    assert mail.to == people.coordinator.email
    assert case.reference in mail.subject
    assert "Vem tar det här ärendet?" in mail.body_text
    assert reverse("case-detail", args=[case.reference]) in mail.body_text
    event = case.events.get(kind="coordinator_asked")
    assert event.internal
    html = client.get(reverse("case-detail", args=[case.reference])).content.decode()
    assert "Fråga till länets samordnare" in html


def test_national_staff_reassign_with_a_reason_and_the_new_office_is_told(client, people, cases):
    case = cases["long_late"]
    client.force_login(people.national)
    url = reverse("case-action", args=[case.reference, "reassign"])
    missing_reason = client.post(url, {"reassign-office": people.skane_region_office.pk})
    assert missing_reason.status_code == 400
    response = client.post(
        url, {"reassign-office": people.skane_region_office.pk, "reassign-reason": "Almi är sjuk"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.office == people.skane_region_office
    assert case.events.get(kind="reassigned").message == "Almi är sjuk"
    [mail] = OutboxMessage.objects.filter(kind="staff_reassigned")
    assert mail.to == "region@skane.example"
    assert "Almi är sjuk" in mail.body_text


def test_national_staff_cannot_close_or_act_on_closed_cases(client, people, cases):
    case = cases["long_late"]
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    client.force_login(people.national)
    response = client.post(
        reverse("case-action", args=[case.reference, "ask_coordinator"]),
        {"ask_coordinator-question": "Hur gick det?"},
    )
    assert response.status_code == 302
    assert not OutboxMessage.objects.filter(kind="staff_ask_coordinator").exists()
