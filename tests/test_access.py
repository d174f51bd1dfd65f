# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Every page and API answer denies the outsider alike (DESIGN §2, §4 convention 8).

Skåne's records (a case filed through the public API, a county rule, an activity) are opened by
each outsider: the handler of another office, the coordinator of another county, national staff
(who see everything but may not edit county things) and an anonymous visitor. Out of scope is
404 on pages and API alike; anonymous visitors of staff pages are asked to sign in; the API
answers anonymous callers 401 with a challenge.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from indicators import services as indicator_services
from regions.models import ActorType
from routing import rules as rules_service
from routing.models import Case
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    catalogue,
    question_payload,
)

LOGIN_PREFIX = "/konto/login/"


@pytest.fixture
def skane(people, catalogue):
    """Skåne's records, each made through the code that makes them in production."""
    payload = question_payload(consent=True, target_countries=["DE"])
    response = APIClient().post(reverse("api-question-create"), payload, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.office == people.skane_almi_office  # the handler's office, in Skåne
    change = rules_service.rule_create(
        user=people.coordinator,
        county=people.skane,
        data={
            "name": "Remburs i Skåne",
            "keywords": ["remburs"],
            "actor_type": ActorType.objects.get(code="almi"),
            "weight": 1.0,
            "priority": 1,
            "active": True,
        },
    )
    activity = indicator_services.activity_create(
        county=people.skane,
        kind="seminar",
        title="Exportfrukost",
        date=date(2026, 3, 1),
        actors=[people.skane_almi_office.actor],
        participant_count=0,
        companies={},
        created_by=people.coordinator,
    )
    return {"case": case, "rule": change.rule, "change": change, "activity": activity}


def skane_pages(skane) -> dict[str, str]:
    return {
        "case": reverse("case-detail", args=[skane["case"].reference]),
        "rule-edit": reverse("rule-edit", args=[skane["rule"].pk]),
        "rule-change": reverse("rule-change", args=[skane["change"].pk]),
        "examples": reverse("example-create", args=["12"]),
        "county-dashboard": reverse("county-dashboard", args=["12"]),
        "export": reverse("indicator-export", args=["csv"]) + "?county=12",
        "panel": reverse("panel-export") + "?county=12",
        "activity": reverse("activity-detail", args=[skane["activity"].pk]),
        "county-page-editing": reverse("centre-edit", args=["skane"]),
    }


ROLE_PAGES = {
    "inbox": "handler-inbox",
    "county-cases": "coordinator-cases",
    "triage": "coordinator-triage",
    "national-overdue": "national-overdue",
    "rules": "rules-list",
    "simulator": "routing-simulator",
    "national-dashboard": "national-dashboard",
    "coordinator-dashboard": "coordinator-dashboard",
    "activities": "activity-list",
    "mystery-shopper": "mystery-shopper-report",
}

#: Skåne's pages national staff may open (the rest are county editing: coordinators only).
NATIONAL_OPENS = {"case", "rule-change", "examples", "county-dashboard", "export", "panel"}
NATIONAL_OPENS |= {"activity"}


@pytest.mark.parametrize("who", ["other_handler", "other_coordinator"])
def test_another_office_or_county_gets_404_for_every_skane_page(client, people, skane, who):
    client.force_login(getattr(people, who))
    for name, url in skane_pages(skane).items():
        assert client.get(url).status_code == 404, (who, name)


def test_national_staff_see_skane_but_do_not_edit_its_county_things(client, people, skane):
    client.force_login(people.national)
    for name, url in skane_pages(skane).items():
        expected = 200 if name in NATIONAL_OPENS else 404
        assert client.get(url).status_code == expected, name


def test_anonymous_visitors_of_staff_pages_are_asked_to_sign_in(client, skane):
    urls = {**skane_pages(skane), **{k: reverse(v) for k, v in ROLE_PAGES.items()}}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(LOGIN_PREFIX), name


@pytest.mark.parametrize(
    ("who", "opens"),
    [
        ("other_handler", {"inbox", "activities"}),
        ("other_coordinator", {"county-cases", "triage", "rules", "simulator", "activities",
                               "coordinator-dashboard"}),
        ("national", {"national-overdue", "rules", "simulator", "national-dashboard",
                      "activities", "mystery-shopper"}),
        ("company", set()),
    ],
)  # fmt: skip
def test_pages_of_other_roles_answer_404(client, people, skane, who, opens):
    client.force_login(getattr(people, who))
    for name, url_name in ROLE_PAGES.items():
        expected = 200 if name in opens else 404
        assert client.get(reverse(url_name)).status_code == expected, (who, name)


def test_a_case_action_out_of_scope_is_404_and_changes_nothing(client, people, skane):
    case = skane["case"]
    client.force_login(people.other_handler)
    response = client.post(
        reverse("case-action", args=[case.reference, "note"]), {"note-text": "Kapad."}
    )
    assert response.status_code == 404
    assert not case.events.filter(kind="note").exists()


# --------------------------------------------------------------------------- API


def test_indicators_api_answers_anonymous_401_with_a_challenge(skane):
    response = APIClient().get(reverse("api-indicators"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"]


@pytest.mark.parametrize(
    ("who", "query", "expected"),
    [
        ("other_handler", {}, 404),
        ("other_handler", {"county": "12"}, 404),
        ("company", {}, 404),
        ("other_coordinator", {"county": "12"}, 404),
        ("other_coordinator", {"county": "99"}, 404),
        ("other_coordinator", {}, 200),
        ("coordinator", {"county": "12"}, 200),
        ("national", {"county": "12"}, 200),
        ("national", {}, 200),
    ],
)
def test_indicators_api_answers_out_of_scope_404(people, skane, who, query, expected):
    api = APIClient()
    api.force_login(getattr(people, who))
    response = api.get(reverse("api-indicators"), query)
    assert response.status_code == expected, response.content
    if expected == 200 and query.get("county"):
        assert response.json()["county"] == query["county"]


def test_the_scope_follows_the_user_the_api_authenticated(people, skane):
    """`request.scope` is computed after DRF has set the user, however it authenticated."""
    api = APIClient()
    api.force_authenticate(people.other_coordinator)
    assert api.get(reverse("api-indicators"), {"county": "12"}).status_code == 404
    assert api.get(reverse("api-indicators")).json()["county"] == "20"


def test_the_api_schema_describes_the_session_cookie(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    assert "cookieAuth" in schema["components"]["securitySchemes"]


# --------------------------------------------------------------------------- one scope a request


def _scope_queries(queries) -> list[str]:
    """The query `scope_for` makes for a handler: the counties their office serves."""
    return [
        q["sql"]
        for q in queries
        if '"regions_county"."code" AS "code" FROM "regions_county" INNER JOIN '
        '"regions_office_counties_served"' in q["sql"]
    ]


@pytest.mark.parametrize("page", ["case", "inbox", "action"])
def test_a_request_builds_the_scope_once(client, people, skane, page):
    """Access checks, lists, allowed actions, the service that checks them again and the
    navigation all read the request's one scope."""
    case = skane["case"]
    client.force_login(people.handler)
    with CaptureQueriesContext(connection) as ctx:
        if page == "case":
            response = client.get(reverse("case-detail", args=[case.reference]))
        elif page == "inbox":
            response = client.get(reverse("handler-inbox"))
        else:
            response = client.post(
                reverse("case-action", args=[case.reference, "note"]), {"note-text": "Ringer."}
            )
    assert response.status_code in {200, 302}
    if page == "action":
        assert case.events.filter(kind="note").exists()
    assert len(_scope_queries(ctx.captured_queries)) == 1
