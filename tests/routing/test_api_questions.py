# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Contract tests of POST /api/v1/questions/ (201 and each 400) and the read endpoints."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core import signing
from rest_framework.test import APIClient

from routing.models import Case, OutboxMessage
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    FALUN_MUNICIPALITY,
    _fresh_cache,
    catalogue,
    question_payload,
)

URL = "/api/v1/questions/"


def payload(**overrides) -> dict:
    data = question_payload(**overrides)
    data["consent"] = overrides.get("consent", True)
    if isinstance(data["target_countries"], str):
        data["target_countries"] = [c for c in data["target_countries"].split(",") if c]
    return data


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_201_has_every_documented_field(api, people, catalogue, settings):
    settings.PORTAL_BASE_URL = "https://exportcentrum.example/"
    response = api.post(URL, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {
        "reference", "status", "county", "assigned_actor", "office", "deadline",
        "alternatives", "explanation", "status_url",
    }  # fmt: skip
    case = Case.objects.get()
    assert body["reference"] == case.reference
    assert body["status"] == "assigned"
    assert body["county"] == {"code": "12", "name": "Skåne län"}
    assert body["assigned_actor"] == {"code": "almi", "name": "Almi Företagspartner"}
    assert body["office"] == {"name": "Almi Skåne"}
    deadline = datetime.fromisoformat(body["deadline"])
    assert deadline.utcoffset() is not None  # ISO 8601 with offset
    assert deadline == case.deadline_at
    assert body["alternatives"] == [
        {
            "actor": {"code": "region", "name": "Region Skåne"},
            "services": [
                {
                    "title": "Affärsutvecklingscheck för internationalisering",
                    "title_en": "",
                    "url": "",
                }
            ],
            "office": {"name": "Region Skåne", "email": "", "phone": ""},
        }
    ]
    # One plain sentence for the company, no scoring internals.
    [reason] = body["explanation"]
    assert reason.startswith("Frågan gick till Almi Företagspartner") and "poäng" not in reason
    # Like the receipt mail's link: on the portal's address, not the request's host (the
    # token itself is signed with a timestamp, so the two may differ in the second).
    status_page = "https://exportcentrum.example/fraga/status/"
    assert body["status_url"].startswith(status_page)
    receipt = OutboxMessage.objects.get(case=case, kind="receipt", state="pending")
    assert status_page in receipt.body_text


def test_201_minimal_payload_and_english_explanation(api, people):
    minimal = {
        "company_name": "Minimal AB",
        "org_number": "5560360793",
        "contact_name": "Min",
        "email": "min@example.se",
        "municipality_code": FALUN_MUNICIPALITY,
        "question": "Hej! Vi undrar lite allmänt hur man börjar.",
        "language": "en",
        "consent": True,
    }
    response = api.post(URL, minimal, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["county"]["code"] == "20"
    assert body["assigned_actor"]["code"] == "region"
    assert body["explanation"] == [
        "No single actor was an obvious fit for the question, so the county's export centre "
        "reads it and makes sure the right actor contacts you."
    ]


def test_status_endpoint_needs_the_token(api, people):
    body = api.post(URL, payload(), format="json").json()
    reference = body["reference"]
    token = body["status_url"].rstrip("/").rsplit("/", 1)[1]
    ok = api.get(f"{URL}{reference}/", {"token": token})
    assert ok.status_code == 200
    status = ok.json()
    assert status["reference"] == reference and status["status_display"] == "Tilldelad"
    assert [item["kind"] for item in status["history"]] == ["created", "assigned"]
    assert api.get(f"{URL}{reference}/").status_code == 404
    assert api.get(f"{URL}{reference}/", {"token": token + "x"}).status_code == 404
    other = signing.dumps("REC-2026-999999", salt="case-status")
    assert api.get(f"{URL}{reference}/", {"token": other}).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"org_number": "556036-0794"}, "org_number", "organisationsnummer"),
        ({"org_number": ""}, "org_number", ""),
        ({"email": "inte-en-adress"}, "email", ""),
        ({"postal_code": "99999"}, "postal_code", "Vi hittar inte postnumret 999 99"),
        ({"postal_code": "12"}, "postal_code", "fem siffror"),
        ({"postal_code": "", "municipality_code": ""}, "postal_code", "välj kommun"),
        ({"municipality_code": "9999"}, "municipality_code", "Välj en kommun"),
        ({"consent": False}, "consent", "godkänna"),
        ({"target_countries": ["DE", "XX"]}, "target_countries", "XX"),
        ({"language": "de"}, "language", ""),
        ({"topic": "astrology"}, "topic", ""),
        ({"employees": "many"}, "employees", ""),
        ({"question": ""}, "question", ""),
        ({"company_name": ""}, "company_name", ""),
    ],
)
def test_400_names_the_field(api, people, overrides, field, fragment):
    response = api.post(URL, payload(**overrides), format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field], body
    assert all(isinstance(m, str) for m in body[field])
    assert fragment.lower() in " ".join(body[field]).lower()
    assert Case.objects.count() == 0


def test_400_missing_consent(api, people):
    data = payload()
    del data["consent"]
    response = api.post(URL, data, format="json")
    assert response.status_code == 400 and list(response.json()) == ["consent"]


def test_400_honeypot_does_not_say_why(api, people):
    response = api.post(URL, payload(website="http://spam.example"), format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["non_field_errors"]
    assert "website" not in str(body).lower() and "honeypot" not in str(body).lower()
    assert Case.objects.count() == 0


def test_400_messages_in_english(api, people):
    response = api.post(URL, payload(postal_code="99999"), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "We cannot find the postal code 999 99" in response.json()["postal_code"][0]


def test_questions_are_throttled(api, people, settings):
    from rest_framework.throttling import ScopedRateThrottle

    # Read once at import: save the class's own rates and put them back, or "2/hour" would
    # stay for every later test in the process.
    original = ScopedRateThrottle.THROTTLE_RATES
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "questions": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [api.post(URL, payload(), format="json").status_code for _ in range(3)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert codes == [201, 201, 429]


def test_reference_lists(api, db):
    topics = api.get("/api/v1/topics/").json()
    assert {"code": "unknown"}.items() <= topics[-1].items()
    assert len(api.get("/api/v1/counties/").json()) == 21
    actors = {a["code"] for a in api.get("/api/v1/actors/").json()}
    assert {"almi", "business_sweden", "een", "ekn", "tillvaxtverket", "region"} <= actors


def test_schema_documents_the_question_api(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/questions/"]["post"]
    assert {"201", "400"} <= set(post["responses"])
    assert "/api/v1/questions/{reference}/" in schema["paths"]
    receipt = schema["components"]["schemas"]["QuestionReceipt"]["properties"]
    assert {"reference", "deadline", "alternatives", "status_url"} <= set(receipt)


# Once the process's catalogue snapshot is warm: the live handler choice, the counter's
# UPDATE … RETURNING, the case, its events (one INSERT), the receipt's and the handler's
# notification's outbox rows, plus the savepoint pair the test's transaction adds around
# case_create's atomic block.
STATEMENTS_PER_QUESTION = 8


def test_filing_a_question_costs_a_fixed_number_of_statements(api, people, catalogue):
    """Intake is bound by its database round trips: their number must not silently grow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.post(URL, payload(), format="json")  # warm the process's catalogue snapshot
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(URL, payload(company_name="Andra AB"), format="json")
    assert response.status_code == 201, response.json()
    statements = [q["sql"][:120] for q in ctx.captured_queries]
    assert len(statements) <= STATEMENTS_PER_QUESTION, "\n".join(statements)
    assert sum("auth_user" in sql for sql in statements) == 1  # the handler choice stays live


def test_a_catalogue_edit_reaches_the_next_question(api, people, catalogue):
    """The snapshot is rebuilt when a county coordinator edits the catalogue."""
    from regions.models import Service
    from regions.services import service_deactivate

    first = api.post(URL, payload(), format="json").json()
    assert [a["actor"]["code"] for a in first["alternatives"]] == ["region"]
    service = Service.objects.get(title="Affärsutvecklingscheck för internationalisering")
    service_deactivate(county=people.skane, service=service, editor=people.coordinator)
    second = api.post(URL, payload(company_name="Andra AB"), format="json").json()
    assert second["alternatives"] == []
