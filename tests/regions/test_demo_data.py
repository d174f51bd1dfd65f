import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from regions.demo import DEMO_PASSWORD, load_demo_data
from regions.models import ExportCentre, Office, StaffProfile


def test_demo_data_builds_every_centre_and_is_idempotent(db):
    load_demo_data()
    logins = load_demo_data()
    assert ExportCentre.objects.count() == 21
    # Östergötland's front door is run by Almi, the others by the region.
    assert ExportCentre.objects.get(county_id="05").front_door_actor.actor_type_id == "almi"
    assert ExportCentre.objects.get(county_id="20").front_door_actor.actor_type_id == "region"
    # EKN offices each serve several counties; EEN is absent from some.
    for office in Office.objects.filter(actor__actor_type="ekn"):
        assert office.counties_served.count() > 1
    een_counties = set(
        Office.objects.filter(actor__actor_type="een").values_list("home_county", flat=True)
    )
    assert 15 <= len(een_counties) < 21
    assert StaffProfile.objects.filter(role="coordinator").count() == 21
    assert len({login.email for login in logins}) == len(logins)


def test_demo_login_works(db):
    logins = load_demo_data()
    national = next(login for login in logins if login.role == "national")
    client = Client()
    response = client.post("/konto/login/", {"login": national.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/min-sida/").status_code in (200, 302)


def test_demo_data_is_refused_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("load_demo_data")
