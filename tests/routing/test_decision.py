"""The stored routing decision: one typed contract, JSON that reads back, older shapes read."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from routing.decision import DecisionFormatError, RoutingDecision
from routing.engine import (
    Condition,
    QuestionFacts,
    ServiceSpec,
    compile_rules,
    decide,
    rule_spec_from_dict,
)
from routing.intake import case_create
from routing.models import Case
from tests.routing.intake_support import catalogue  # noqa: F401 - fixture
from tests.routing.test_intake import _data

# What intake stored before the contract (version 1), as found in databases filed until then.
VERSION_1 = {
    "engine_version": "1",
    "chosen_actor": "almi",
    "fallback_to_front_door": False,
    "ranked": [{"actor_type": "almi", "score": 3.0}, {"actor_type": "een", "score": 1.0}],
    "matches": [
        {
            "rule_id": 4,
            "rule_name": "Finansiering → Almi",
            "scope": "national",
            "actor_type": "almi",
            "weight": 3.0,
            "matched_on": ["ämne: financing", "nyckelord: lån"],
        },
        {
            "rule_id": 9,
            "rule_name": "EU-marknaden → EEN",
            "scope": "12",
            "actor_type": "een",
            "weight": 1.0,
            "matched_on": ["marknad: eu_eea (DE)", "land: DE", "storlek: 10-49"],
        },
    ],
    "alternatives": [
        {"service_id": 1, "actor_id": 7, "actor_code": "een", "actor_name": "EEN",
         "title": "EU-regler", "topics": ["eu_rules"], "url": ""},
        {"service_id": 2, "actor_id": 7, "actor_code": "een", "actor_name": "EEN",
         "title": "CE-märkning", "topics": ["eu_rules"], "url": "https://een.example"},
    ],
    "county": "12",
    "explanation": {"sv": ["Frågan dirigeras till Almi (poäng 3)."], "en": ["…"]},
    "assignment": {"actor_type": "almi", "actor_id": 3, "actor_name": "Almi Företagspartner",
                   "office_id": 5, "office_name": "Almi Skåne", "handler_id": None,
                   "out_of_county": False, "in_triage": False, "reason": "county_office",
                   "skipped_actor_types": []},
}  # fmt: skip


def _engine_decision():
    rules = compile_rules(
        [
            rule_spec_from_dict(
                {"name": "Lån", "actor_type": "almi", "weight": 2, "keywords": ["lån"]},
                rule_id=1,
            ),
            rule_spec_from_dict(
                {"name": "EU", "actor_type": "een", "weight": 1, "market_groups": ["eu_eea"]},
                rule_id=2,
                county_code="12",
            ),
        ]
    )
    services = [ServiceSpec(1, 7, "een", "EEN", "EU-regler", frozenset({"eu_rules"}))]
    facts = QuestionFacts(county_code="12", text="Ett lån för Tyskland", target_countries=("DE",))
    return decide(facts, rules, services=services)


def test_a_decide_result_survives_json_unchanged():
    decision = RoutingDecision.from_engine(_engine_decision(), county="12")
    stored = json.loads(json.dumps(decision.to_json()))
    assert stored["version"] == 2
    assert RoutingDecision.from_json(stored) == decision
    assert decision.matches[0].matched_on == (Condition("market", "eu_eea", "DE"),)


def test_version_1_reads_with_conditions_and_alternatives_per_actor():
    decision = RoutingDecision.from_json(VERSION_1)
    assert decision.chosen_actor == "almi"
    assert decision.matches[0].matched_on == (
        Condition("topic", "financing"),
        Condition("keyword", "lån"),
    )
    assert decision.matches[1].matched_on == (
        Condition("market", "eu_eea", "DE"),
        Condition("country", "DE"),
        Condition("employees", "10-49"),
    )
    [een] = decision.alternatives
    assert (een.actor_name, [s.title for s in een.services]) == (
        "EEN",
        ["EU-regler", "CE-märkning"],
    )
    assert decision.assignment.office_name == "Almi Skåne"
    # and it is written back in the current shape
    assert RoutingDecision.from_json(decision.to_json()) == decision


def test_nothing_recorded_and_garbage(db):
    assert RoutingDecision.from_json({}) is None
    with pytest.raises(DecisionFormatError):
        RoutingDecision.from_json({"version": 99})
    with pytest.raises(DecisionFormatError):
        RoutingDecision.from_json({"ranked": "almi"})


def test_explanation_renders_in_the_active_language_with_names_not_codes(db):
    decision = RoutingDecision.from_json(VERSION_1)
    with translation.override("sv"):
        sv = decision.explain()
    with translation.override("en"):
        en = decision.explain()
    assert sv.sentences[0] == "Frågan dirigeras till Almi (poäng 3)."
    assert en.sentences[0] == "The question is routed to Almi (score 3)."
    assert sv.rules[0].matched_on == ("ämne: Finansiering, lån och riskkapital", "nyckelord: lån")
    assert en.rules[1].matched_on == (
        "market: EU/EEA (DE)",
        "country: DE",
        "employees: 10–49 employees",
    )
    assert (sv.rules[0].scope, en.rules[1].scope) == ("nationell", "Skåne län")
    assert sv.for_company == (
        "Frågan gick till Almi Företagspartner, som hjälper företag med det du frågar om "
        "(Finansiering, lån och riskkapital)."
    )
    for text in (sv.for_company, en.for_company):
        assert "poäng" not in text and "score" not in text and "financing" not in text


def test_case_reads_the_decision_intake_stored(people, catalogue):  # noqa: F811
    case = case_create(data=_data())
    assert Case.objects.get(pk=case.pk).decision == case.decision
    assert case.decision.assignment.office_id == people.skane_almi_office.pk
