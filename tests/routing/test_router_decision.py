# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""The learned router in the portal: one decision at intake, the threshold page, the simulator,
and a coordinator's placement that the model never moves."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from regions.models import ActorType, Topic
from routing import services
from routing.company_view import reason_for_company
from routing.intake import case_create
from routing.learning.store import router_settings_update
from routing.models import Case, RouterSettings
from tests.routing.intake_support import catalogue  # noqa: F401 - fixture
from tests.routing.test_intake import _data

SUBSIDIARY = "Vi vill starta ett dotterbolag i USA, hur går vi till väga?"
# The rules' keyword "finansiering" says Almi; the question is EEN's (an EU innovation project).
EU_PROJECT = "Innovationsprojekt med partners i flera EU-länder, hur söker man finansiering?"


def test_without_a_model_no_rule_means_the_front_door(people, catalogue):
    case = case_create(data=_data(question=SUBSIDIARY))
    assert case.decision.fallback_to_front_door and case.decision.decided_by == "front_door"
    assert case.assigned_actor.actor_type_id == "region"
    assert case.decision.advice is None


def test_no_rule_the_model_decides_and_staff_see_its_confidence(
    client, people, catalogue, active_router
):
    case = case_create(data=_data(question=SUBSIDIARY))
    decision = case.decision
    assert decision.decided_by_model and decision.chosen_actor == "business_sweden"
    assert case.assigned_actor.actor_type_id == "business_sweden" and not case.in_triage
    assert decision.advice.confidence >= 0.9 and decision.advice.model_version == 1
    # Alternatives from the needs the model read (market analysis), though no topic was chosen.
    assert not any(a.actor_code == "business_sweden" for a in decision.alternatives)

    client.force_login(people.coordinator)
    html = client.get(reverse("case-detail", args=[case.reference])).content.decode()
    shown = f"{decision.advice.confidence:.2f}".replace(".", ",")
    assert f"liknar tidigare frågor om Marknadsanalys och val av marknad, {shown}" in html
    assert f"Modellens råd: Business Sweden {shown}" in html
    with translation.override("sv"):
        sentence = reason_for_company(case)
    assert sentence == "Frågan gick till Business Sweden, som brukar svara på frågor som din."


def test_a_weak_keyword_rule_gives_way_and_a_confident_model_is_said(people, catalogue,
                                                                     active_router):  # fmt: skip
    case = case_create(data=_data(question=EU_PROJECT))
    decision = case.decision
    assert decision.decided_by_model and decision.chosen_actor == "een"
    assert decision.rules_ranked[0].actor_type == "almi"
    assert case.assigned_actor.actor_type_id == "een"
    # Almi, whom the rules named, is still told to the company as an alternative.
    assert any(a.actor_code == "almi" for a in decision.alternatives_told)


def test_the_models_runner_up_is_told_to_the_company(people, catalogue, active_router,
                                                      monkeypatch):  # fmt: skip
    from routing.learning import store

    # A partner in the EU to sell through: EEN's partner search, Business Sweden close behind.
    question = (
        "Vi letar efter en samarbetspartner i Polen för att sälja våra maskiner till industrin"
    )
    advice = store.model_advice(question)
    runner_up, p = advice.actors[1]
    assert (advice.actor, runner_up) == ("een", "business_sweden")
    assert p >= store.ADVICE_RUNNER_UP_PROBABILITY
    case = case_create(data=_data(question=question))
    assert case.decision.chosen_actor == "een"
    # Skåne's Business Sweden serves none of the needs read; as the runner-up it is told, with
    # its one service.
    told = [a for a in case.decision.alternatives_told if a.actor_code == "business_sweden"]
    assert [[s.title for s in a.services] for a in told] == [["Marknadsanalys och val av marknad"]]

    monkeypatch.setattr(store, "ADVICE_RUNNER_UP_PROBABILITY", 1.0)
    case = case_create(data=_data(question=question, company_name="Andra AB"))
    assert not any(a.actor_code == "business_sweden" for a in case.decision.alternatives_told)


def test_below_the_threshold_the_front_door_triages(
    people, catalogue, active_router, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        router_settings_update(user=people.national, model_threshold=1.0)
    case = case_create(data=_data(question=SUBSIDIARY))
    assert case.decision.fallback_to_front_door and case.decision.decided_by == "front_door"
    assert case.assigned_actor.actor_type_id == "region"
    assert case.decision.advice.actor == "business_sweden"  # still shown to staff


def test_fallen_back_to_the_front_door_the_company_is_told_every_likely_actor(
    people, catalogue, active_router, django_capture_on_commit_callbacks, monkeypatch
):
    from routing.learning import store

    with django_capture_on_commit_callbacks(execute=True):
        router_settings_update(user=people.national, model_threshold=1.0)
    # Selling in Germany, through a partner or an own salesperson: Business Sweden's customers
    # and EEN's partners are both plausible, neither sure enough to decide.
    question = "Vi vill sälja i Tyskland men vet inte om vi behöver en partner eller egen säljare"
    advice = store.model_advice(question)
    in_county = {"almi", "business_sweden", "een"}  # the region is the front door itself
    likely = [a for a, p in advice.actors
              if a in in_county and p >= store.ADVICE_FALLBACK_PROBABILITY]  # fmt: skip
    assert len(likely) >= 2 and not advice.confident
    case = case_create(data=_data(question=question))
    assert case.decision.fallback_to_front_door and case.assigned_actor.actor_type_id == "region"
    told = {a.actor_code: [s.title for s in a.services] for a in case.decision.alternatives_told}
    assert set(likely) <= set(told)
    # Each with its one service for the likeliest need it serves (none was read above the cut).
    assert all(len(told[a]) == 1 for a in likely[1:])

    # Without the fallback cut only the model's unsure first choice (the runner-up) is told.
    monkeypatch.setattr(store, "ADVICE_FALLBACK_PROBABILITY", 1.0)
    case = case_create(data=_data(question=question, company_name="Andra AB"))
    told = {a.actor_code for a in case.decision.alternatives_told}
    assert likely[0] in told and not set(likely[1:]) & told


def test_a_topic_the_company_chose_keeps_the_rules_decision(people, catalogue, active_router):
    case = case_create(data=_data(question=EU_PROJECT, topic=Topic.objects.get(code="financing")))
    assert case.decision.decided_by == "rules" and case.decision.chosen_actor == "almi"


def test_where_rules_decide_staff_still_see_the_advice_and_confidence_the_company_neither(
    client, people, catalogue, active_router
):
    from routing.serializers import QuestionReceiptSerializer

    case = case_create(data=_data(question=EU_PROJECT, topic=Topic.objects.get(code="financing")))
    advice = case.decision.advice
    assert case.decision.decided_by == "rules" and advice.actor == "een"
    client.force_login(people.coordinator)
    html = client.get(reverse("case-detail", args=[case.reference])).content.decode()
    shown = f"{advice.confidence:.2f}".replace(".", ",")
    assert f"Modellens råd: {ActorType.objects.get(pk='een').name} {shown}" in html
    # The company's receipt (web and API alike): one plain sentence, no model, no probability.
    body = QuestionReceiptSerializer(case).data
    assert "advice" not in body and len(body["explanation"]) == 1
    assert shown not in body["explanation"][0] and "Modell" not in body["explanation"][0]


def test_filing_with_a_model_costs_no_more_statements(people, catalogue, active_router):
    case_create(data=_data(question=SUBSIDIARY))  # warm the catalogue and the model
    with CaptureQueriesContext(connection) as ctx:
        case_create(data=_data(question=SUBSIDIARY, company_name="Andra AB"))
    statements = [q["sql"] for q in ctx.captured_queries]
    assert not [s for s in statements if "routing_router" in s], statements
    with CaptureQueriesContext(connection) as without_model:
        case_create(data=_data(question="Vi behöver ett lån", company_name="Tredje AB"))
    assert len(statements) <= len(without_model.captured_queries) + 1


def test_a_case_placed_by_hand_is_never_moved_by_the_next_model(
    people, catalogue, trained_router, django_capture_on_commit_callbacks
):
    from routing.learning.store import router_model_create

    case = case_create(data=_data(question=SUBSIDIARY))
    services.case_override_routing(
        case=case, user=people.coordinator, office=people.skane_almi_office,
        reason="Almi Skåne tar dotterbolagsfrågor i år.",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        router_model_create(result=trained_router)
    case_create(data=_data(question=SUBSIDIARY, company_name="Andra AB"))
    case.refresh_from_db()
    assert case.assigned_actor.actor_type_id == "almi"
    assert case.office == people.skane_almi_office
    assert case.decision.override is not None


# --------------------------------------------------------------------------- threshold page


def test_national_staff_set_the_threshold_and_coordinators_only_read_it(client, people):
    url = reverse("router-settings")
    client.force_login(people.coordinator)
    page = client.get(url)
    assert page.status_code == 200 and 'name="model_threshold"' not in page.content.decode()
    assert client.post(url, {"model_threshold": "0,9"}).status_code == 404

    client.force_login(people.national)
    assert client.post(url, {"model_threshold": "0,75"}).status_code == 302
    assert RouterSettings.objects.get().model_threshold == 0.75
    response = client.post(url, {"model_threshold": "7"})
    assert response.status_code == 400
    assert RouterSettings.objects.get().model_threshold == 0.75


@pytest.mark.parametrize("who", ["handler", "company"])
def test_the_threshold_page_denies_everyone_else(client, people, who):
    client.force_login(getattr(people, who))
    assert client.get(reverse("router-settings")).status_code == 404


def test_a_new_threshold_reaches_the_process(people, active_router,
                                             django_capture_on_commit_callbacks):  # fmt: skip
    from routing.learning import store

    assert store.model_advice(SUBSIDIARY).threshold == RouterSettings.DEFAULT_THRESHOLD
    with django_capture_on_commit_callbacks(execute=True):
        router_settings_update(user=people.national, model_threshold=0.8)
    store._process_cache.recheck_seconds = 0
    try:
        assert store.model_advice(SUBSIDIARY).threshold == 0.8
    finally:
        store._process_cache.recheck_seconds = store.RECHECK_SECONDS


# --------------------------------------------------------------------------- simulator


def test_simulator_shows_the_models_top_three_beside_the_rules(client, people, active_router):
    client.force_login(people.coordinator)
    response = client.get(
        reverse("routing-simulator"), {"question": EU_PROJECT, "county": "12", "topic": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Reglernas rangordning" in html and "Modellens tre främsta" in html
    assert html.count('<tr><th scope="row">') >= 4  # one rule actor + three model rows
    assert "Modellen avgjorde." in html
    assert Case.objects.count() == 0


# --------------------------------------------------------------------------- routing_eval


def test_routing_eval_replays_the_closed_cases_of_a_period(people, catalogue, active_router):
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    case = case_create(data=_data(question="Vi behöver ett lån för en order till Tyskland"))
    services.case_record_first_contact(
        case=case, user=people.handler, channel="phone", at=timezone.now()
    )
    services.case_close(case=case, user=people.handler, outcome=Case.Outcome.ANSWERED)
    case_create(data=_data(question="Ett öppet ärende räknas inte", company_name="Öppen AB"))

    today = timezone.localdate().isoformat()
    out = StringIO()
    call_command("routing_eval", "--county", "12", "--from", today, "--to", today, stdout=out)
    report = out.getvalue()
    assert f"closed cases {today} to {today}: 1" in report
    for name in ("closed cases, rules only", "closed cases, model only", "closed cases, combined"):
        assert f"== {name}" in report
    assert "accuracy 1.000, front door 0.000 (n=1)" in report  # the rules' Almi answered it
    with pytest.raises(CommandError):
        call_command("routing_eval", "--from", today, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("routing_eval", "--from", "2026-13-01", "--to", today, stdout=StringIO())
