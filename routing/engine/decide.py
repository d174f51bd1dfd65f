"""Routing one question: match the county's and the national rules, score, rank, pick
alternatives. The semantics are in the package docstring (``routing.engine``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from routing.engine.index import CompiledRule, CompiledRules
from routing.engine.specs import (
    DECIDED_BY_FRONT_DOOR,
    DECIDED_BY_MODEL,
    DECIDED_BY_RULES,
    Decision,
    ModelAdvice,
    QuestionFacts,
    RuleMatch,
    ServiceSpec,
)
from routing.engine.text import _canonical
from routing.engine.vocabulary import (
    COUNTRY,
    EMPLOYEES,
    ENGINE_VERSION,
    EXPERIENCE,
    KEYWORD,
    MARKET,
    TOPIC,
    UNKNOWN_TOPIC,
    Condition,
)
from routing.markets import groups_of

_SCORE_DIGITS = 6


def _match(
    rule: CompiledRule,
    facts: QuestionFacts,
    targets: tuple[tuple[str, frozenset[str]], ...],
    stems: Iterable[str],
) -> tuple[Condition, ...] | None:
    """What the rule matched on, or None. ``stems``: the rule's keywords found in the text."""
    spec = rule.spec
    on: list[Condition] = []
    if spec.topics:
        if facts.topic not in spec.topics:
            return None
        on.append(Condition(TOPIC, facts.topic))
    if rule.has_market:
        hits: list[Condition] = []
        for country, groups in targets:
            if country in spec.countries:
                hits.append(Condition(COUNTRY, country))
            else:
                hits.extend(
                    Condition(MARKET, g, country) for g in sorted(groups & spec.market_groups)
                )
        if not hits:
            return None
        on.extend(hits)
    if spec.employee_bands:
        if facts.employees not in spec.employee_bands:
            return None
        on.append(Condition(EMPLOYEES, facts.employees))
    if spec.export_experience:
        if facts.export_experience not in spec.export_experience:
            return None
        on.append(Condition(EXPERIENCE, facts.export_experience))
    if rule.keywords:
        found = [Condition(KEYWORD, rule.keywords[s][1]) for s in stems]
        if not found:
            return None
        on.extend(found)
    return tuple(on)


def decide(
    facts: QuestionFacts,
    compiled: CompiledRules,
    *,
    services: Sequence[ServiceSpec] = (),
    front_door_actor: str = "region",
    advice: ModelAdvice | None = None,
) -> Decision:
    """Route one question. See the package docstring for the semantics; ``advice``: the
    learned router's prediction, which decides where the rules do not decide clearly."""
    text = _canonical(facts.text) if facts.text else ""
    targets = tuple((c, groups_of(c)) for c in dict.fromkeys(facts.target_countries))

    matched: list[tuple[CompiledRule, tuple[Condition, ...]]] = []
    county_scope = compiled._counties.get(facts.county_code)
    for scope in (compiled._national, county_scope):
        if scope is None:
            continue
        rules = scope.rules
        for i in scope.plain:
            on = _match(rules[i], facts, targets, ())
            if on is not None:
                matched.append((rules[i], on))
        for i, stems in scope.scan(text).items():
            on = _match(rules[i], facts, targets, stems)
            if on is not None:
                matched.append((rules[i], on))

    # actor -> [score, has positive county rule, highest priority of positive rules]
    tally: dict[str, list[Any]] = {}
    for rule, _on in matched:
        spec = rule.spec
        entry = tally.setdefault(spec.actor_type, [0.0, False, None])
        entry[0] += spec.weight
        if spec.weight > 0:
            if spec.county_code is not None:
                entry[1] = True
            if entry[2] is None or spec.priority > entry[2]:
                entry[2] = spec.priority

    scored = []
    for actor, (score, county, prio) in tally.items():
        score = round(score, _SCORE_DIGITS)
        if score > 0:
            scored.append((actor, score, county, prio))
    scored.sort(key=lambda t: (not t[2], -t[1], -(t[3] or 0), t[0]))
    ranked = tuple((actor, score) for actor, score, _c, _p in scored)

    rules_ranked = ranked
    decided_by = DECIDED_BY_RULES if ranked else DECIDED_BY_FRONT_DOOR
    overridden: tuple[int, ...] = ()
    if advice is not None and advice.confident and not _rules_decide_clearly(ranked, matched):
        model_actor = advice.actor
        if not ranked or model_actor != ranked[0][0]:
            decided_by = DECIDED_BY_MODEL
            overridden = tuple(
                rule.spec.id
                for rule, _on in matched
                if rule.spec.county_code is not None
                and rule.spec.weight > 0
                and rule.spec.actor_type == ranked[0][0]
            )
            ranked = ((model_actor, round(advice.confidence, 4)),) + tuple(
                (a, sc) for a, sc in ranked if a != model_actor
            )
    fallback = not ranked
    if fallback:
        ranked = ((front_door_actor, 0.0),)
    position = {actor: i for i, (actor, _s) in enumerate(ranked)}

    # Matches in ranking order (dropped actors last), then priority, then rule id.
    matched.sort(
        key=lambda rm: (
            position.get(rm[0].spec.actor_type, len(position)),
            rm[0].spec.actor_type,
            -rm[0].spec.priority,
            rm[0].spec.id,
        )
    )
    matches = tuple(
        RuleMatch(
            rule_id=rule.spec.id,
            rule_name=rule.spec.name,
            scope=rule.scope,
            actor_type=rule.spec.actor_type,
            weight=rule.spec.weight,
            matched_on=on,
        )
        for rule, on in matched
    )

    alternatives: tuple[ServiceSpec, ...] = ()
    if services:
        chosen = ranked[0][0]
        topics: set[str] = set()
        if facts.topic:
            topics.add(facts.topic)
        for rule, _on in matched:
            topics.update(rule.spec.topics)
        other_ranked = set(position) - {chosen}
        if advice is not None:
            # The needs the model reads in the question count like a chosen topic, and the
            # actor it is confident about like a ranked one, also when the rules decided.
            topics.update(advice.topics)
            if advice.confident:
                other_ranked.add(advice.actor)
            if not fallback:
                topics.update(_need_the_chosen_actor_serves(chosen, services, topics, advice))
        topics.discard(UNKNOWN_TOPIC)
        other_ranked.discard(chosen)
        told = (
            _model_actor_services(chosen, services, advice, topics, other_ranked, fallback)
            if advice is not None
            else ()
        )
        seen: set[int] = set()
        picked: list[ServiceSpec] = []
        for service in services:
            if service.actor_code == chosen or service.service_id in seen:
                continue
            if (
                service.actor_code in other_ranked
                or not service.topics.isdisjoint(topics)
                or service.service_id in told
            ):
                seen.add(service.service_id)
                picked.append(service)
        alternatives = tuple(picked)

    return Decision(
        ranked=ranked,
        matches=matches,
        alternatives=alternatives,
        fallback_to_front_door=fallback,
        engine_version=ENGINE_VERSION,
        decided_by=decided_by,
        advice=advice,
        rules_ranked=rules_ranked,
        overridden_county_rules=overridden,
    )


def _need_the_chosen_actor_serves(
    chosen: str, services: Sequence[ServiceSpec], needs: set[str], advice: ModelAdvice
) -> tuple[str, ...]:
    """The question went to ``chosen`` for a need it serves. When none of the needs read so far
    is one (the model put them all below its cut), the one the model finds most likely is a
    need of the question too, so the other actors serving it are told about. Without this a
    question a keyword rule sends to Almi lists nobody when "financing" scored below the cut.
    Not when the question fell back to the front door: then no need is known.

    ``needs`` still holds "unknown" when it was read: the front door's guidance serves it."""
    served = {t for s in services if s.actor_code == chosen for t in s.topics}
    if not served or not served.isdisjoint(needs):
        return ()
    for topic, _p in advice.topic_scores:
        if topic in served:
            # "Vet ej" is the front door's own service (guidance): no need to pass on.
            return (topic,) if topic != UNKNOWN_TOPIC else ()
    return ()


def _model_actor_services(
    chosen: str,
    services: Sequence[ServiceSpec],
    advice: ModelAdvice,
    topics: set[str],
    other_ranked: set[str],
    fallback: bool,
) -> tuple[int, ...]:
    """The service ids of the model's actors the company is told about besides the chosen one.

    The runner-up: the model's most probable actor other than the chosen one, when that
    probability is at least ``advice.runner_up_cut``. A near-miss of the model is often the
    right actor for the question, so the company hears of it even when the question went
    elsewhere (Business Sweden's customers and EEN's partners, Almi's advice and the region's
    checks). When the question fell back to the front door (the model below the threshold),
    also every other actor at or above ``advice.fallback_cut``: the front door triages by hand,
    and the company is told meanwhile which actors probably serve it.

    Each actor not listed already (ranked, or serving a need read) with its service for the
    question's most likely topic it serves, never the front door's "vet ej" guidance."""
    wanted: list[str] = []
    for rank, (actor, p) in enumerate(a for a in advice.actors if a[0] != chosen):
        if (rank == 0 and p >= advice.runner_up_cut) or (fallback and p >= advice.fallback_cut):
            wanted.append(actor)
    picked: list[int] = []
    for actor in wanted:
        own = [s for s in services if s.actor_code == actor]
        if actor in other_ranked or any(not s.topics.isdisjoint(topics) for s in own):
            continue
        found = next(
            (
                service.service_id
                for topic, _p in advice.topic_scores
                if topic != UNKNOWN_TOPIC
                for service in own
                if topic in service.topics
            ),
            None,
        )
        if found is not None:
            picked.append(found)
    return tuple(picked)


def _rules_decide_clearly(
    ranked: Sequence[tuple[str, float]],
    matched: Sequence[tuple[CompiledRule, tuple[Condition, ...]]],
) -> bool:
    """Whether the rules' choice stands whatever the model says: one actor leads, and it
    leads on more than keywords alone (a topic the company chose, a market, a size ...).

    A keyword-only lead is weak: "anbud" also starts "anbudsgaranti", and "finansiering" is in
    an EU project's question as much as in a loan's.
    """
    if not ranked:
        return False
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return False
    leader = ranked[0][0]
    return any(
        rule.spec.actor_type == leader
        and rule.spec.weight > 0
        and any(c.kind != KEYWORD for c in on)
        for rule, on in matched
    )
