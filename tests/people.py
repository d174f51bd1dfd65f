"""The people every view is tested with (DESIGN §4 convention 8).

Skåne (12) is "our" county and Dalarna (20) the other one: in each a region office and an Almi
office with a handler, and a coordinator; plus national staff, an admin and a company account.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from regions.models import ActorType, County, Office
from tests.factories import ActorFactory, OfficeFactory, UserFactory, export_centre, staff_user


@dataclass
class People:
    skane: County
    dalarna: County
    skane_region_office: Office
    skane_almi_office: Office
    dalarna_region_office: Office
    dalarna_almi_office: Office
    handler: object  # Almi Skåne
    region_handler: object  # Region Skåne
    coordinator: object  # Skåne
    other_handler: object  # Almi Dalarna
    other_coordinator: object  # Dalarna
    national: object
    admin: object
    company: object


@pytest.fixture
def people(db) -> People:
    skane, dalarna = County.objects.get(code="12"), County.objects.get(code="20")
    almi = ActorFactory(name="Almi Företagspartner", actor_type=ActorType.objects.get(code="almi"))
    region_type = ActorType.objects.get(code="region")
    region_skane = ActorFactory(name="Region Skåne", actor_type=region_type)
    region_dalarna = ActorFactory(name="Region Dalarna", actor_type=region_type)
    skane_region = OfficeFactory(actor=region_skane, name="Region Skåne", home_county=skane)
    skane_almi = OfficeFactory(actor=almi, name="Almi Skåne", home_county=skane)
    dalarna_region = OfficeFactory(actor=region_dalarna, name="Region Dalarna", home_county=dalarna)
    dalarna_almi = OfficeFactory(actor=almi, name="Almi Dalarna", home_county=dalarna)
    export_centre(skane, region_skane)
    export_centre(dalarna, region_dalarna)
    return People(
        skane=skane,
        dalarna=dalarna,
        skane_region_office=skane_region,
        skane_almi_office=skane_almi,
        dalarna_region_office=dalarna_region,
        dalarna_almi_office=dalarna_almi,
        handler=staff_user("almi.skane@example.se", "handler", office=skane_almi),
        region_handler=staff_user("region.skane@example.se", "handler", office=skane_region),
        coordinator=staff_user("samordnare.skane@example.se", "coordinator", county=skane),
        other_handler=staff_user("almi.dalarna@example.se", "handler", office=dalarna_almi),
        other_coordinator=staff_user(
            "samordnare.dalarna@example.se", "coordinator", county=dalarna
        ),
        national=staff_user("nationell@example.se", "national"),
        admin=UserFactory(username="admin@example.se", is_staff=True, is_superuser=True),
        company=UserFactory(username="foretag@example.se"),
    )
