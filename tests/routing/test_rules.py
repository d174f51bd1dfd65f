# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Rules in the portal: scoping of edits, change history, example re-runs, the compiled cache."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from regions.models import ActorType, County
from routing import rules as rules_service
from routing.models import Case, ExampleQuestion, RoutingRule, RoutingRuleChange
from tests.routing.intake_support import _fresh_cache, question_payload  # noqa: F401

RULE_POST = {
    "name": "Skåne: kreditförsäkring till Almi",
    "priority": "100",
    "active": "on",
    "keywords": "kreditförsäkr, credit insurance",
    "countries": "",
    "actor_type": "almi",
    "weight": "1",
}


def _rule(county: County | None, name: str = "Regel", **kw) -> RoutingRule:
    return RoutingRule.objects.create(
        name=name, county=county, actor_type=ActorType.objects.get(code=kw.pop("actor", "almi")),
        keywords=kw.pop("keywords", ["testord"]), weight=kw.pop("weight", 1.0), **kw,
    )  # fmt: skip


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("who", ["handler", "region_handler", "company"])
def test_rules_pages_deny_everyone_but_coordinators_and_national_staff(client, people, who):
    client.force_login(getattr(people, who))
    for url in (
        reverse("rules-list"),
        reverse("routing-simulator"),
        reverse("rule-create", args=["nationell"]),
        reverse("rule-create", args=["12"]),
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("rules-list"))
    assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_coordinator_cannot_touch_another_countys_or_national_rules(client, people):
    dalarna_rule = _rule(people.dalarna, "Dalarnas regel")
    national_rule = RoutingRule.objects.filter(county__isnull=True).first()
    client.force_login(people.coordinator)
    assert client.get(reverse("rule-create", args=["20"])).status_code == 404
    assert client.get(reverse("rule-create", args=["nationell"])).status_code == 404
    assert client.get(reverse("rule-edit", args=[dalarna_rule.pk])).status_code == 404
    assert client.get(reverse("rule-edit", args=[national_rule.pk])).status_code == 404
    assert client.post(reverse("rule-delete", args=[national_rule.pk])).status_code == 404
    assert client.post(reverse("rule-edit", args=[dalarna_rule.pk]), RULE_POST).status_code == 404
    dalarna_rule.refresh_from_db()
    assert dalarna_rule.name == "Dalarnas regel"
    # they see the national rules (read-only) but not Dalarna's
    html = client.get(reverse("rules-list")).content.decode()
    assert national_rule.name in html and "Dalarnas regel" not in html


def test_national_staff_edit_national_rules_only(client, people):
    client.force_login(people.national)
    assert client.get(reverse("rule-create", args=["nationell"])).status_code == 200
    assert client.get(reverse("rule-create", args=["12"])).status_code == 404
    skane_rule = _rule(people.skane)
    assert client.get(reverse("rule-edit", args=[skane_rule.pk])).status_code == 404
    # but they can read every county's rules
    assert skane_rule.name in client.get(reverse("rules-list")).content.decode()


# --------------------------------------------------------------------------- CRUD and history


def test_coordinator_creates_updates_and_deletes_a_county_rule_with_history(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rule-create", args=["12"]), RULE_POST)
    assert response.status_code == 302
    rule = RoutingRule.objects.get(name=RULE_POST["name"])
    assert rule.county_id == "12" and rule.keywords == ["kreditförsäkr", "credit insurance"]
    created = RoutingRuleChange.objects.get(rule=rule)
    assert created.action == "created" and created.before is None
    assert created.after["keywords"] == ["kreditförsäkr", "credit insurance"]
    assert created.changed_by == people.coordinator

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rule-edit", args=[rule.pk]), {**RULE_POST, "weight": "5"})
    updated = RoutingRuleChange.objects.filter(rule=rule, action="updated").get()
    assert updated.before["weight"] == 1.0 and updated.after["weight"] == 5.0
    page = client.get(reverse("rule-change", args=[updated.pk])).content.decode()
    assert "ändrat" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rule-delete", args=[rule.pk]))
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()
    deleted = RoutingRuleChange.objects.get(action="deleted")
    assert deleted.after is None and deleted.before["name"] == RULE_POST["name"]
    assert deleted.county_id == "12"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"keywords": ""}, "Ange minst ett villkor"),
        ({"keywords": "lån"}, "Avsluta med $"),
        ({"keywords": "!!"}, "saknar bokstäver"),
        ({"countries": "DE, XX"}, "Vi känner inte igen ”XX” som land."),
        ({"actor_type": "nobody"}, "Välj ett giltigt alternativ"),
    ],
)
def test_rule_form_errors_keep_the_input(client, people, overrides, message):
    client.force_login(people.coordinator)
    response = client.post(reverse("rule-create", args=["12"]), {**RULE_POST, **overrides})
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert RULE_POST["name"] in html
    assert not RoutingRule.objects.filter(name=RULE_POST["name"]).exists()


def test_rule_change_reruns_example_questions_and_shows_changed_outcomes(client, people):
    client.force_login(people.coordinator)
    client.post(
        reverse("example-create", args=["12"]),
        {"text": "Vi behöver en kreditförsäkring för en order till Brasilien.",
         "expected_actor_type": "ekn", "target_countries": "BR"},
    )  # fmt: skip
    client.post(
        reverse("example-create", args=["12"]),
        {"text": "Vi vill hitta distributörer i Japan.", "expected_actor_type": "business_sweden"},
    )
    examples = list(ExampleQuestion.objects.filter(county_id="12"))
    assert [e.last_actor_type for e in examples] == ["ekn", "business_sweden"]

    response = client.post(reverse("rule-create", args=["12"]), RULE_POST)
    change = RoutingRuleChange.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    changed = [r for r in change.example_results if r["changed"]]
    assert len(change.example_results) == 2
    assert changed == [
        {
            "example_id": examples[0].pk,
            "county": "12",
            "text": examples[0].text,
            "expected": "ekn",
            "before": "ekn",
            "after": "almi",
            "changed": True,
        }
    ]
    html = client.get(response["Location"]).content.decode()
    assert "Exempelfrågor vars utfall ändrades" in html and "avviker" in html
    assert ExampleQuestion.objects.get(pk=examples[0].pk).last_actor_type == "almi"


def test_national_rule_change_reruns_every_countys_examples(people):
    ExampleQuestion.objects.create(county=people.skane, text="remburs",
                                   expected_actor_type_id="ekn")  # fmt: skip
    ExampleQuestion.objects.create(county=people.dalarna, text="remburs",
                                   expected_actor_type_id="ekn")  # fmt: skip
    change = rules_service.rule_create(
        user=people.national, county=None,
        data={"name": "N", "keywords": ["remburs"], "actor_type": ActorType.objects.get(
            code="prv"), "weight": 10.0, "priority": 1, "active": True},
    )  # fmt: skip
    assert {r["county"] for r in change.example_results} == {"12", "20"}
    assert all(r["after"] == "prv" for r in change.example_results)


def test_coordinator_of_another_county_cannot_manage_examples(client, people):
    example = ExampleQuestion.objects.create(county=people.skane, text="x",
                                             expected_actor_type_id="ekn")  # fmt: skip
    client.force_login(people.other_coordinator)
    assert client.get(reverse("example-create", args=["12"])).status_code == 404
    assert client.post(reverse("example-delete", args=[example.pk])).status_code == 404
    assert client.post(reverse("examples-rerun", args=["12"])).status_code == 404
    assert ExampleQuestion.objects.filter(pk=example.pk).exists()


# --------------------------------------------------------------------------- simulator


def test_simulator_shows_decision_without_creating_a_case(client, people):
    client.force_login(people.coordinator)
    response = client.get(
        reverse("routing-simulator"),
        {"question": "Vi behöver en kreditförsäkring", "county": "12", "topic": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Frågan dirigeras till EKN" in html
    assert "Nyckelord: betalningsrisk och exportkredit" in html
    assert Case.objects.count() == 0


def test_back_to_the_simulator_opens_it_with_the_county_chosen_and_no_errors(client, people):
    # The example form's "Tillbaka till simulatorn" link carries only ?county=.
    client.force_login(people.coordinator)
    response = client.get(reverse("routing-simulator"), {"county": "12"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Formuläret innehåller fel" not in html and "obligatoriskt" not in html
    assert response.context["form"]["county"].value() == "12"


def test_simulator_limits_a_coordinator_to_their_county(client, people):
    client.force_login(people.coordinator)
    response = client.get(reverse("routing-simulator"), {"question": "x", "county": "20"})
    assert "Välj ett giltigt alternativ" in response.content.decode()


# --------------------------------------------------------------------------- compiled cache


def test_compiled_rules_refresh_in_every_process_when_the_version_changes(
    people, django_capture_on_commit_callbacks
):
    web, worker = rules_service.CompiledRulesCache(), rules_service.CompiledRulesCache()
    first = web.get()
    worker.get()
    assert web.get() is first and web.compilations == 1  # unchanged version: no recompilation

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rules_service.rule_create(
            user=people.coordinator, county=people.skane,
            data={"name": "Ny", "keywords": ["remburs"], "actor_type": ActorType.objects.get(
                code="almi"), "weight": 1.0, "priority": 1, "active": True},
        )  # fmt: skip
    # before commit nobody recompiles (they could only see the old rows)
    assert web.get() is first
    for callback in callbacks:
        callback()
    assert web.get() is not first and web.compilations == 2
    assert worker.get() is not first and worker.compilations == 2
    assert any(r.spec.name == "Ny" for r in worker.get().for_county("12"))


def test_no_rule_query_per_request(people, django_assert_num_queries):
    rules_service.compiled_rules()  # warm this process
    with django_assert_num_queries(0):
        for _ in range(5):
            rules_service.compiled_rules()

    api = APIClient()
    api.post("/api/v1/questions/", {**question_payload(consent=True, target_countries=[])},
             format="json")  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        response = api.post(
            "/api/v1/questions/", {**question_payload(consent=True, target_countries=[])},
            format="json",
        )  # fmt: skip
    assert response.status_code == 201
    assert not [q for q in queries.captured_queries if "routing_routingrule" in q["sql"]]


def test_a_flushed_cache_makes_every_process_recompile(people):
    from django.core.cache import cache

    process = rules_service.CompiledRulesCache()
    process.get()
    cache.delete(rules_service.RULES_VERSION_KEY)
    process.get()
    assert process.compilations == 2


def test_rule_change_diff_lists_each_field_before_and_after(people):
    data = {"name": "Remburs", "keywords": ["remburs"], "weight": 1.0, "priority": 1,
            "active": True, "actor_type": ActorType.objects.get(code="almi")}  # fmt: skip
    created = rules_service.rule_create(user=people.coordinator, county=people.skane, data=data)
    updated = rules_service.rule_update(
        user=people.coordinator, rule=created.rule, data={**data, "weight": 5.0}
    )
    diff = {row["field"]: row for row in rules_service.rule_change_diff(updated)}
    assert "id" not in diff  # the row's identity is not a change
    assert [f for f, row in diff.items() if row["changed"]] == ["weight"]
    assert (diff["weight"]["before"], diff["weight"]["after"]) == (1.0, 5.0)
    created_diff = rules_service.rule_change_diff(created)
    assert all(row["before"] is None for row in created_diff)
    assert {row["field"] for row in created_diff} == set(diff)
