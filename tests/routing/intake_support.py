"""Fixtures shared by the intake, assignment, rules and API tests (imported by those modules)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from regions.models import ActorType, Office, Topic
from tests.factories import ActorFactory, OfficeFactory, ServiceFactory

SKANE_POSTAL_CODE = "211 20"  # Malmö
FALUN_MUNICIPALITY = "2080"
VALID_ORG_NUMBER = "556036-0793"
PERSONNUMMER = "811228-9874"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters, throttles and the rules version live in the shared cache."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class Catalogue:
    business_sweden_office: Office
    een_office: Office


@pytest.fixture
def catalogue(people) -> Catalogue:
    """Skåne's partnership beyond the `people` fixture: services and two more actors."""
    topics = {t.code: t for t in Topic.objects.all()}
    almi = people.skane_almi_office.actor
    region = people.skane_region_office.actor
    bs = ActorFactory(
        name="Business Sweden", actor_type=ActorType.objects.get(code="business_sweden")
    )
    een = ActorFactory(
        name="Enterprise Europe Network", actor_type=ActorType.objects.get(code="een")
    )
    bs_office = OfficeFactory(actor=bs, name="Business Sweden Skåne", home_county=people.skane)
    een_office = OfficeFactory(actor=een, name="EEN Skåne", home_county=people.skane)
    # The county's catalogue is its centre's participants' services (regions.selectors).
    people.skane.export_centre.participants.add(almi, region, bs, een)
    ServiceFactory(actor=almi, title="Lån för export och tillväxt", topics=[topics["financing"]])
    ServiceFactory(
        actor=region,
        title="Affärsutvecklingscheck för internationalisering",
        topics=[topics["business_development"], topics["financing"]],
    )
    ServiceFactory(
        actor=bs, title="Marknadsanalys och val av marknad", topics=[topics["market_analysis"]]
    )
    ServiceFactory(actor=een, title="EU-regler och CE-märkning", topics=[topics["eu_rules"]])
    return Catalogue(business_sweden_office=bs_office, een_office=een_office)


def question_payload(**overrides) -> dict:
    """A valid question as both the form and the API accept it."""
    data = {
        "company_name": "Exempel Maskin AB",
        "org_number": VALID_ORG_NUMBER,
        "contact_name": "Karin Exempel",
        "email": "karin@exempel.se",
        "phone": "040-12 34 56",
        "postal_code": SKANE_POSTAL_CODE,
        "municipality_code": "",
        "topic": "financing",
        "question": "Vi behöver ett lån för att finansiera en större order till Tyskland.",
        "target_countries": "DE",
        "employees": "10-49",
        "export_experience": "occasional",
        "language": "sv",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def api_question_payload(**overrides) -> dict:
    """The same question as the API takes it (JSON booleans and lists)."""
    data = question_payload(**overrides)
    data["consent"] = True
    data["target_countries"] = [c for c in data["target_countries"].split(",") if c]
    return data
