"""An activity shown on the county page, edited and cancelled by those who may register them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Activity, ActivityParticipant
from tests.indicators.factories import ActivityFactory


@pytest.fixture
def seminar_data(people):
    return {
        "county": "12",
        "kind": "seminar",
        "title": "Exportseminarium om Tyskland",
        "date": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "actors": [people.skane_almi_office.actor.pk],
        "participant_count": "0",
        "companies_text": "",
        "financing_kind": "",
        "description": "Tullregler och moms.",
        "is_public": "on",
        "registration_url": "https://exempel.se/anmalan",
    }


def county_page(client, people) -> str:
    slug = people.skane.slug
    return client.get(reverse("centre-detail", args=[slug])).content.decode()


def test_a_public_seminar_appears_under_upcoming_activities_with_its_link(
    client, people, seminar_data
):
    client.force_login(people.coordinator)
    assert client.post(reverse("activity-create"), seminar_data).status_code == 302
    activity = Activity.objects.get()
    assert (activity.is_public, activity.registration_url) == (True, "https://exempel.se/anmalan")
    client.logout()
    html = county_page(client, people)
    section = html[html.index('id="activities-heading"') :]
    assert "Exportseminarium om Tyskland" in section
    assert 'href="https://exempel.se/anmalan"' in section


def test_an_activity_not_shown_stays_off_the_county_page(client, people, seminar_data):
    client.force_login(people.coordinator)
    client.post(reverse("activity-create"), {**seminar_data, "is_public": ""})
    client.logout()
    assert "Exportseminarium om Tyskland" not in county_page(client, people)


def test_the_coordinator_edits_an_activity_and_its_companies_stay(client, people, seminar_data):
    activity = ActivityFactory(county=people.skane, companies=["5560360793"], title="Gammal")
    client.force_login(people.coordinator)
    url = reverse("activity-edit", args=[activity.pk])
    form = client.get(url).content.decode()
    assert 'value="Gammal"' in form
    response = client.post(url, {**seminar_data, "title": "Ny rubrik", "participant_count": "0"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Ny rubrik"
    assert activity.registration_url == "https://exempel.se/anmalan"
    assert activity.participants.count() == 1
    assert activity.participant_count == 1  # never fewer than the registered companies


def test_cancelling_asks_first_then_removes_the_activity(client, people):
    activity = ActivityFactory(county=people.skane, companies=["5560360793"], title="Inställt")
    client.force_login(people.coordinator)
    url = reverse("activity-cancel", args=[activity.pk])
    assert "Det går inte att ångra" in client.get(url).content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert client.post(url).status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not ActivityParticipant.objects.exists()


@pytest.mark.parametrize("who", ["other_coordinator", "other_handler", "national", "company"])
def test_editing_and_cancelling_deny_the_outsider(client, people, seminar_data, who):
    activity = ActivityFactory(county=people.skane, title="Skånes")
    client.force_login(getattr(people, who))
    assert client.get(reverse("activity-edit", args=[activity.pk])).status_code == 404
    assert (
        client.post(reverse("activity-edit", args=[activity.pk]), seminar_data).status_code == 404
    )
    assert client.post(reverse("activity-cancel", args=[activity.pk])).status_code == 404
    activity.refresh_from_db()
    assert activity.title == "Skånes"


def test_bad_rows_are_counted_in_the_right_grammatical_number(client, people, seminar_data):
    client.force_login(people.coordinator)
    one = client.post(reverse("activity-create"), {**seminar_data, "companies_text": "123"})
    assert "1 rad har fel" in one.content.decode()
    two = client.post(reverse("activity-create"), {**seminar_data, "companies_text": "123\n456"})
    assert "2 rader har fel" in two.content.decode()
