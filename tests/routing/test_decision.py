"""The stored routing decision: one typed contract, JSON that reads back, older shapes read."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from routing.decision import DecisionFormatError, RoutingDecision
from routing.engine import (
    Condition,
    ModelAdvice,
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
    assert stored["version"] == 3
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


def _model_decision():
    """No rule matches; the model is confident: it decides (engine version 2)."""
    rules = compile_rules(
        [rule_spec_from_dict({"name": "Lån", "actor_type": "almi", "weight": 2,
                              "keywords": ["lån"]}, rule_id=1)]
    )  # fmt: skip
    advice = ModelAdvice(
        actors=(("ekn", 0.912), ("almi", 0.05), ("een", 0.02), ("region", 0.018)),
        topics=("payment_risk",),
        threshold=0.5,
        model_version=4,
        topic_scores=(("payment_risk", 0.97), ("financing", 0.04)),
    )
    facts = QuestionFacts(county_code="12", text="Vi är rädda att kunden inte betalar")
    return decide(facts, rules, advice=advice)


def test_a_model_decision_survives_json_with_its_advice_and_reads_back():
    decision = RoutingDecision.from_engine(_model_decision(), county="12")
    assert decision.decided_by_model and decision.chosen_actor == "ekn"
    stored = json.loads(json.dumps(decision.to_json()))
    assert stored["version"] == 3 and stored["decided_by"] == "model"
    # the stored advice is the contract's: no topic scores (they only picked alternatives)
    assert set(stored["advice"]) == {"actors", "topics", "threshold", "model_version"}
    read = RoutingDecision.from_json(stored)
    assert read == decision
    # the top three are kept, with their probabilities, and the threshold
    assert read.advice.actors == (("ekn", 0.912), ("almi", 0.05), ("een", 0.02))
    assert read.advice.threshold == 0.5 and read.advice.model_version == 4


def test_version_2_reads_as_decided_by_the_rules_without_advice():
    stored = RoutingDecision.from_engine(_engine_decision(), county="12").to_json()
    for key in ("decided_by", "advice", "rules_ranked", "overridden_county_rules"):
        stored.pop(key)
    stored["version"] = 2
    decision = RoutingDecision.from_json(json.loads(json.dumps(stored)))
    assert decision.decided_by == "rules" and decision.advice is None
    assert decision.chosen_actor == "een"  # the county rule outranks


def test_a_decision_stored_before_english_titles_reads_with_the_swedish_title_everywhere():
    stored = RoutingDecision.from_engine(_engine_decision(), county="12").to_json()
    # An alternative as decisions stored it before: no title_en.
    stored["alternatives"] = [
        {
            "actor_id": 7,
            "actor_code": "een",
            "actor_name": "EEN",
            "services": [{"service_id": 1, "title": "EU-regler", "url": ""}],
            "office": None,
        }
    ]
    decision = RoutingDecision.from_json(json.loads(json.dumps(stored)))
    (service,) = decision.alternatives[0].services
    with translation.override("en"):
        assert str(service.shown_title) == "EU-regler"
        assert service.shown_title.in_swedish_on_english_page


def test_model_explanation_says_which_it_was_with_its_confidence(db):
    decision = RoutingDecision.from_engine(_model_decision(), county="12")
    with translation.override("sv"):
        explanation = decision.explain()
        staff = "\n".join(explanation.sentences)
        assert "liknar tidigare frågor om" in staff and "0,91" in staff
        assert "Modellens råd: EKN 0,91, Almi 0,05" in staff
        assert "tröskel 0,50" in staff
        assert explanation.for_company == (
            "Frågan gick till EKN, som brukar svara på frågor som din."
        )
        assert "0,91" not in explanation.for_company
    with translation.override("en"):
        explanation = decision.explain()
        staff = "\n".join(explanation.sentences)
        assert "similar to earlier questions about" in staff and "0.91" in staff
        assert explanation.for_company == (
            "The question went to EKN, which usually answers questions like yours."
        )
