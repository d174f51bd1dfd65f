"""Registering activities with participating companies, typed or by CSV (all or nothing)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Activity, ActivityParticipant
from indicators.services import normalise_org_number, parse_participants_csv
from tests.indicators.factories import ActivityFactory

VALID = ["556036-0793", "5560360793", "212000-0142"]


def test_normalise_org_numbers():
    assert normalise_org_number("5560360793") == "5560360793"
    assert normalise_org_number(" 556036-0793 ") == "5560360793"
    # A sole trader's personnummer, with century, is shortened to the 10-digit form.
    assert normalise_org_number("19811218-9876") == "8112189876"
    with pytest.raises(Exception, match="inte ett giltigt"):
        normalise_org_number("556036-0794")


def test_csv_reports_every_bad_row_with_its_line():
    data = "Organisationsnummer;Namn\n556036-0793;Bra AB\n123;Fel AB\n\n556036-0794;Också fel\n"
    parsed = parse_participants_csv(data.encode("cp1252"))
    assert parsed.companies == {"5560360793": "Bra AB"}
    assert [(r.line, r.value) for r in parsed.bad_rows] == [(3, "123"), (5, "556036-0794")]


def test_csv_deduplicates_and_reads_excel_encodings():
    data = "\ufeff556036-0793,Åkeri AB\n5560360793,Åkeri AB\n"
    parsed = parse_participants_csv(data.encode("utf-8"))
    assert parsed.companies == {"5560360793": "Åkeri AB"}
    assert not parsed.bad_rows


@pytest.fixture
def form_data(people):
    actors = [people.skane_almi_office.actor, people.skane_region_office.actor]
    return {
        "county": "12",
        "kind": "joint_company_visit",
        "title": "Besök hos Exempel AB",
        "date": "2026-03-10",
        "actors": [a.pk for a in actors],
        "participant_count": "0",
        "companies_text": "556036-0793; Exempel AB\n212000-0142",
        "financing_kind": "",
        "description": "",
    }


def test_coordinator_registers_activity_with_companies(client, people, form_data):
    client.force_login(people.coordinator)
    response = client.post(reverse("activity-create"), form_data)
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.county_id == "12"
    assert activity.created_by == people.coordinator
    assert activity.actors.count() == 2
    assert set(activity.participants.values_list("org_number", flat=True)) == {
        "5560360793",
        "2120000142",
    }
    assert activity.participant_count == 2  # 0 means "count the companies"


def test_handler_registers_for_their_offices_county(client, people, form_data):
    client.force_login(people.handler)
    assert client.post(reverse("activity-create"), form_data).status_code == 302


def test_nothing_saved_when_one_row_is_bad_and_input_kept(client, people, form_data):
    client.force_login(people.coordinator)
    upload = SimpleUploadedFile(
        "deltagare.csv", b"556036-0793;A\n556036-0794;B\n", content_type="text/csv"
    )
    response = client.post(reverse("activity-create"), {**form_data, "companies_file": upload})
    assert response.status_code == 200
    assert Activity.objects.count() == 0
    assert ActivityParticipant.objects.count() == 0
    html = response.content.decode()
    assert "556036-0794" in html and 'id="bad-rows"' in html
    assert "Besök hos Exempel AB" in html  # what the user typed is kept
    assert "error-summary" in html


def test_joint_visit_needs_two_actors(client, people, form_data):
    client.force_login(people.coordinator)
    response = client.post(
        reverse("activity-create"), {**form_data, "actors": [people.skane_almi_office.actor.pk]}
    )
    assert response.status_code == 200
    assert "minst två aktörer" in response.content.decode()
    assert not Activity.objects.exists()


def test_financing_decision_needs_its_kind(client, people, form_data):
    client.force_login(people.coordinator)
    response = client.post(reverse("activity-create"), {**form_data, "kind": "financing_decision"})
    assert "Välj check, lån eller garanti." in response.content.decode()


def test_coordinator_cannot_register_for_another_county(client, people, form_data):
    client.force_login(people.coordinator)
    response = client.post(reverse("activity-create"), {**form_data, "county": "20"})
    assert response.status_code == 200
    assert not Activity.objects.exists()


@pytest.mark.parametrize("who", ["national", "company"])
def test_activity_create_denies_others(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get(reverse("activity-create")).status_code == 404


def test_activity_list_and_detail_are_scoped(client, people):
    own = ActivityFactory(county=people.skane, title="Skånes seminarium")
    other = ActivityFactory(county=people.dalarna, title="Dalarnas seminarium")
    client.force_login(people.coordinator)
    html = client.get(reverse("activity-list")).content.decode()
    assert "Skånes seminarium" in html and "Dalarnas seminarium" not in html
    assert client.get(reverse("activity-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("activity-detail", args=[other.pk])).status_code == 404
    client.force_login(people.company)
    assert client.get(reverse("activity-list")).status_code == 404


def test_csv_import_into_existing_activity_is_all_or_nothing(client, people):
    activity = ActivityFactory(county=people.skane, companies=["5560360793"])
    client.force_login(people.coordinator)
    url = reverse("activity-detail", args=[activity.pk])
    bad = SimpleUploadedFile("d.csv", b"212000-0142\nnonsense\n", content_type="text/csv")
    response = client.post(url, {"companies_file": bad})
    assert response.status_code == 200
    assert "nonsense" in response.content.decode()
    assert activity.participants.count() == 1
    good = SimpleUploadedFile("d.csv", b"212000-0142\n556036-0793\n", content_type="text/csv")
    assert client.post(url, {"companies_file": good}).status_code == 302
    assert activity.participants.count() == 2


def test_other_county_cannot_import(client, people):
    activity = ActivityFactory(county=people.skane)
    client.force_login(people.other_coordinator)
    upload = SimpleUploadedFile("d.csv", b"212000-0142\n", content_type="text/csv")
    response = client.post(
        reverse("activity-detail", args=[activity.pk]), {"companies_file": upload}
    )
    assert response.status_code == 404
