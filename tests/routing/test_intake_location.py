# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Where the company is decides the county: names for target countries, and no silent guess when
the postal code and the chosen municipality disagree."""

from __future__ import annotations

from rest_framework.test import APIClient

from routing.models import Case
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    FALUN_MUNICIPALITY,
    SKANE_POSTAL_CODE,
    _fresh_cache,
    question_payload,
)

FORM_URL = "/fraga/"


def test_postal_code_and_municipality_in_different_counties_asks_the_company(client, people):
    payload = question_payload(postal_code=SKANE_POSTAL_CODE, municipality_code=FALUN_MUNICIPALITY)
    response = client.post(FORM_URL, payload)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Postnumret 211 20 ligger i Malmö kommun (Skåne län), "
        "men du valde Faluns kommun (Dalarnas län)"
    ) in html
    assert 'id="id_municipality_code_error"' in html
    assert 'value="211 20"' in html
    assert Case.objects.count() == 0


def test_the_mismatch_is_explained_in_english_too(client, people):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    payload = question_payload(postal_code=SKANE_POSTAL_CODE, municipality_code=FALUN_MUNICIPALITY)
    html = client.post(FORM_URL, payload).content.decode()
    assert "The postal code 211 20 is in Malmö kommun (Skåne län), but you chose Faluns" in html


def test_postal_code_and_municipality_in_the_same_county_are_accepted(client, people):
    payload = question_payload(postal_code=SKANE_POSTAL_CODE, municipality_code="1280")  # Malmö
    response = client.post(FORM_URL, payload)
    assert response.status_code == 302
    assert Case.objects.get().county_id == "12"


def test_country_names_are_accepted_and_kept_as_codes(client, people):
    response = client.post(FORM_URL, question_payload(target_countries="Tyskland och Norge"))
    assert response.status_code == 302
    assert Case.objects.get().target_countries == ["DE", "NO"]


def test_api_accepts_country_names(people):
    payload = {**question_payload(), "consent": True, "target_countries": ["Germany", "USA"]}
    response = APIClient().post("/api/v1/questions/", payload, format="json")
    assert response.status_code == 201, response.content
    assert Case.objects.get().target_countries == ["DE", "US"]
