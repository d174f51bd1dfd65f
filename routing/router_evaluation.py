"""Replaying labelled questions through the rules and the model: accuracy, confusion, front door.

Read-only: the rules are asked through ``routing.rules.route_question`` as intake asks them; the
model through a predictor. A question "goes to the front door" when the rules fall back to it,
or when the model's confidence is below the threshold (the combined decision would then leave
it to the front door, too). The front door is an actor as well (the region, in Östergötland
Almi): a question it should answer counts as right when it lands there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from routing.engine import ModelAdvice, QuestionFacts
from routing.learning.model import RouterPredictor
from routing.learning.training import Example
from routing.rules import front_door_actor_type, route_question

DEFAULT_FRONT_DOOR = "region"


@dataclass
class Replay:
    name: str
    # (expected actor, actor routed to, whether it got there as the front door's fallback)
    outcomes: list[tuple[str, str, bool]] = field(default_factory=list)
    # Per outcome: the further actors labelled for the question (its other needs), if any.
    also: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """The headline: the question went to its (first) labelled actor."""
        return sum(e == g for e, g, _ in self.outcomes) / (len(self.outcomes) or 1)

    @property
    def several_labelled(self) -> int:
        """Questions labelled with more than one actor (several needs)."""
        return sum(bool(a) for a in self.also)

    @property
    def accuracy_or_labelled_alternative(self) -> float:
        """A second, weaker figure, never the headline: the question went to its labelled
        actor or to one of the further actors labelled for its other needs."""
        hits = sum(
            g == e or g in also for (e, g, _), also in zip(self.outcomes, self.also, strict=True)
        )
        return hits / (len(self.outcomes) or 1)

    @property
    def front_door_share(self) -> float:
        return sum(door for _, _, door in self.outcomes) / (len(self.outcomes) or 1)

    def per_actor(self) -> dict[str, tuple[int, int]]:
        tally: dict[str, list[int]] = {}
        for expected, got, _ in self.outcomes:
            row = tally.setdefault(expected, [0, 0])
            row[0] += expected == got
            row[1] += 1
        return {actor: (hits, total) for actor, (hits, total) in sorted(tally.items())}

    def confusion(self) -> Counter[tuple[str, str]]:
        return Counter((e, g) for e, g, _ in self.outcomes)


Route = Callable[[str], tuple[str, bool]]


def replay(name: str, examples: Sequence[Example], route: Route) -> Replay:
    result = Replay(name)
    for ex in examples:
        result.outcomes.append((ex.actor, *route(ex.text)))
        result.also.append(ex.also)
    return result


def model_router(
    predictor: RouterPredictor, threshold: float, front_door: str = DEFAULT_FRONT_DOOR
) -> Route:
    def route(text: str) -> tuple[str, bool]:
        prediction = predictor.predict(text)
        if prediction.confidence >= threshold:
            return prediction.actor, False
        return front_door, True

    return route


def advice_of(predictor: RouterPredictor, text: str, threshold: float) -> ModelAdvice:
    """What ``store.model_advice`` gives intake, from this predictor at this threshold."""
    from routing.learning.store import advice_from

    return advice_from(predictor.predict(text), threshold=threshold)


def rules_router(county_code: str) -> Route:

    def route(text: str) -> tuple[str, bool]:
        decision = route_question(
            QuestionFacts(county_code=county_code, text=text), with_model=False
        )
        return decision.chosen_actor, decision.fallback_to_front_door

    return route


def combined_router(
    county_code: str, predictor: RouterPredictor, threshold: float, front_door: str = ""
) -> Route:
    """The engine's combined decision, as intake takes it, with ``predictor`` at ``threshold``
    (``front_door``: unused, the county's own front door applies)."""

    def route(text: str) -> tuple[str, bool]:
        decision = route_question(
            QuestionFacts(county_code=county_code, text=text),
            advice=advice_of(predictor, text, threshold),
        )
        return decision.chosen_actor, decision.fallback_to_front_door

    return route


# --------------------------------------------------------------------------- alternatives


@dataclass
class AlternativesCoverage:
    """Whether the combined decision tells the company about every other actor in the county
    that serves the question's labelled needs (its topics, and any further actor labelled).

    ``with_needs``: questions where some actor besides the one routed to serves a labelled
    need; ``all_listed``: of those, the ones whose alternatives name every such actor;
    ``unrelated``: actors listed that serve none of the labelled needs (summed over questions).
    """

    questions: int = 0
    with_needs: int = 0
    all_listed: int = 0
    unrelated: int = 0
    missed: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.all_listed / (self.with_needs or 1)


def alternatives_coverage(
    county_code: str, rows: Sequence[dict], predictor: RouterPredictor, threshold: float
) -> AlternativesCoverage:
    """``rows``: labelled corpus rows (``training.corpus_rows``)."""
    from routing.catalogue import catalogue

    services = catalogue().services(county_code)
    result = AlternativesCoverage()
    for row in rows:
        needs = set(row["topics"])
        decision = route_question(
            QuestionFacts(county_code=county_code, text=row["text"]),
            advice=advice_of(predictor, row["text"], threshold),
        )
        chosen = decision.chosen_actor
        serving = {s.actor_code for s in services if not s.topics.isdisjoint(needs)}
        serving.update(row["actors"][1:])
        serving.discard(chosen)
        listed = {s.actor_code for s in decision.alternatives} - {chosen}
        result.questions += 1
        result.unrelated += len(listed - serving)
        if serving:
            result.with_needs += 1
            if serving <= listed:
                result.all_listed += 1
            else:
                result.missed.append((row["text"], tuple(sorted(serving - listed))))
    return result


def coverage_lines(result: AlternativesCoverage) -> list[str]:
    return [
        f"== alternatives (combined decision): every actor serving a labelled need listed for "
        f"{result.all_listed} of {result.with_needs} questions ({result.share:.3f}); "
        f"{result.unrelated} actors listed that serve none of the needs "
        f"(n={result.questions})"
    ]


# --------------------------------------------------------------------------- closed cases

FactsRoute = Callable[[QuestionFacts], tuple[str, bool]]


def closed_cases(start: datetime, end: datetime) -> list[tuple[QuestionFacts, str]]:
    """Real cases closed as answered in [start, end): the question's facts as intake saw them,
    and the actor type that finally answered (the label the nightly training uses too)."""
    from routing.models import Case

    rows = (
        Case.objects.real()
        .filter(
            status=Case.Status.CLOSED,
            outcome=Case.Outcome.ANSWERED,
            assigned_actor__isnull=False,
            closed_at__gte=start,
            closed_at__lt=end,
        )
        .order_by("closed_at", "pk")
        .values_list(
            "county_id", "question", "topic_id", "target_countries", "employees",
            "export_experience", "assigned_actor__actor_type_id",
        )
    )  # fmt: skip
    return [
        (
            QuestionFacts(
                county_code=county,
                text=question,
                topic=topic,
                target_countries=tuple(countries or ()),
                employees=employees or None,
                export_experience=experience or None,
            ),
            actor,
        )
        for county, question, topic, countries, employees, experience, actor in rows.iterator()
    ]


def replay_cases(
    name: str, cases: Sequence[tuple[QuestionFacts, str]], route: FactsRoute
) -> Replay:
    result = Replay(name)
    for facts, actor in cases:
        result.outcomes.append((actor, *route(facts)))
        result.also.append(())
    return result


def case_routers(predictor: RouterPredictor, threshold: float) -> dict[str, FactsRoute]:
    """Rules only, model only and combined, each in the case's own county with its facts."""

    def rules(facts: QuestionFacts) -> tuple[str, bool]:
        decision = route_question(facts, with_model=False)
        return decision.chosen_actor, decision.fallback_to_front_door

    def model(facts: QuestionFacts) -> tuple[str, bool]:
        prediction = predictor.predict(facts.text)
        if prediction.confidence >= threshold:
            return prediction.actor, False
        return front_door_actor_type(facts.county_code), True

    def combined(facts: QuestionFacts) -> tuple[str, bool]:
        decision = route_question(facts, advice=advice_of(predictor, facts.text, threshold))
        return decision.chosen_actor, decision.fallback_to_front_door

    return {"rules only": rules, f"model only (threshold {threshold:g})": model,
            f"combined (threshold {threshold:g})": combined}  # fmt: skip


def report_lines(result: Replay) -> list[str]:
    """A plain-text report: accuracy, front-door share, per-actor accuracy, confusion matrix."""
    lines = [
        f"== {result.name}: accuracy {result.accuracy:.3f}, "
        f"front door {result.front_door_share:.3f} (n={len(result.outcomes)})",
    ]
    if result.several_labelled:
        lines.append(
            f"   (not the headline) right actor or a labelled alternative: "
            f"{result.accuracy_or_labelled_alternative:.3f} "
            f"({result.several_labelled} questions labelled with several actors)"
        )
    lines.append("per actor:")
    for actor, (hits, total) in result.per_actor().items():
        lines.append(f"  {actor:<16} {hits / total:.3f} ({hits}/{total})")
    expected = sorted({e for e, _, _ in result.outcomes})
    got = sorted({g for _, g, _ in result.outcomes} | set(expected))
    confusion = result.confusion()
    width = max(len(g) for g in got) + 1
    lines.append("confusion (rows: expected, columns: routed to):")
    lines.append(" " * 17 + "".join(f"{g[: width - 1]:>{width}}" for g in got))
    for e in expected:
        lines.append(f"  {e:<15}" + "".join(f"{confusion[(e, g)]:>{width}}" for g in got))
    return lines
