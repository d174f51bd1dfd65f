"""Routing one question: match the county's and the national rules, score, rank, pick
alternatives. The semantics are in the package docstring (``routing.engine``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from routing.engine.index import CompiledRule, CompiledRules
from routing.engine.specs import Decision, QuestionFacts, RuleMatch, ServiceSpec
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
) -> Decision:
    """Route one question. See the module docstring for the semantics."""
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
        topics.discard(UNKNOWN_TOPIC)
        other_ranked = set(position) - {chosen}
        seen: set[int] = set()
        picked: list[ServiceSpec] = []
        for service in services:
            if service.actor_code == chosen or service.service_id in seen:
                continue
            if service.actor_code in other_ranked or not service.topics.isdisjoint(topics):
                seen.add(service.service_id)
                picked.append(service)
        alternatives = tuple(picked)

    return Decision(
        ranked=ranked,
        matches=matches,
        alternatives=alternatives,
        fallback_to_front_door=fallback,
        engine_version=ENGINE_VERSION,
    )
