"""The engine's value types: rules, question facts, services in, ``Decision`` out."""

from __future__ import annotations

from dataclasses import dataclass

from routing.engine.explain import Labels, explanation_lines
from routing.engine.vocabulary import NATIONAL, Condition


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A routing rule as data. ``county_code`` None = national rule.

    Collections may be passed as any iterable; they are stored as frozensets / tuples.
    """

    id: int
    name: str
    county_code: str | None
    priority: int
    active: bool
    actor_type: str
    weight: float
    topics: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    market_groups: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    employee_bands: frozenset[str] = frozenset()
    export_experience: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _set = object.__setattr__
        _set(self, "topics", frozenset(self.topics))
        _set(self, "keywords", tuple(self.keywords))
        _set(self, "market_groups", frozenset(self.market_groups))
        _set(self, "countries", frozenset(c.strip().upper() for c in self.countries))
        _set(self, "employee_bands", frozenset(self.employee_bands))
        _set(self, "export_experience", frozenset(self.export_experience))

    @property
    def scope(self) -> str:
        return self.county_code or NATIONAL


@dataclass(frozen=True, slots=True)
class QuestionFacts:
    """What the engine knows about a question. Countries: ISO 3166-1 alpha-2."""

    county_code: str
    text: str
    topic: str | None = None
    target_countries: tuple[str, ...] = ()
    employees: str | None = None
    export_experience: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "target_countries", tuple(c.strip().upper() for c in self.target_countries)
        )


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """An actor's service in the county's catalogue."""

    service_id: int
    actor_id: int
    actor_code: str
    actor_name: str
    title: str
    topics: frozenset[str]
    url: str = ""
    title_en: str = ""  # empty: English pages show the Swedish title

    def __post_init__(self) -> None:
        object.__setattr__(self, "topics", frozenset(self.topics))


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """One matching rule, for the explanation. ``scope`` is "national" or the county code."""

    rule_id: int
    rule_name: str
    scope: str
    actor_type: str
    weight: float
    matched_on: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class ModelAdvice:
    """What the learned router predicts for the question, handed to ``decide`` by the caller.

    ``actors``: (actor type, probability) best first; ``topics``: the topics it reads in the
    question (the caller's cut, see ``routing.learning.store``); ``threshold``: the confidence
    at or above which the portal lets it decide; ``topic_scores``: every topic with its
    probability, best first, from which the alternatives take the need the chosen actor serves
    when none it reads is one (not stored with the decision); ``runner_up_cut``: the
    probability at or above which the model's best actor other than the chosen one is listed
    among the alternatives (the caller's cut, see ``routing.learning.store``; not stored);
    ``fallback_cut``: when the question falls back to the front door, every actor of the
    model at or above this probability is listed among the alternatives (not stored).
    """

    actors: tuple[tuple[str, float], ...]
    topics: tuple[str, ...] = ()
    threshold: float = 0.5
    model_version: int | None = None
    topic_scores: tuple[tuple[str, float], ...] = ()
    runner_up_cut: float = 1.0
    fallback_cut: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "actors", tuple((a, float(p)) for a, p in self.actors))
        object.__setattr__(self, "topics", tuple(self.topics))
        object.__setattr__(self, "topic_scores", tuple((t, float(p)) for t, p in self.topic_scores))

    @property
    def actor(self) -> str:
        return self.actors[0][0]

    @property
    def confidence(self) -> float:
        return self.actors[0][1]

    @property
    def confident(self) -> bool:
        return bool(self.actors) and self.confidence >= self.threshold


# Who decided: the rules, the model (where the rules did not decide clearly), or nobody (the
# front door triages by hand).
DECIDED_BY_RULES = "rules"
DECIDED_BY_MODEL = "model"
DECIDED_BY_FRONT_DOOR = "front_door"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of ``decide``: ranking, explanation, alternatives.

    ``ranked`` is the order assignment tries; when the model decided, its actor comes first
    with its probability as the score, followed by the rules' own ranking.
    ``rules_ranked`` is the rules' ranking alone; ``overridden_county_rules`` the ids of county
    rules whose actor the model put aside (never silently: the explanation says so).
    """

    ranked: tuple[tuple[str, float], ...]
    matches: tuple[RuleMatch, ...]
    alternatives: tuple[ServiceSpec, ...]
    fallback_to_front_door: bool
    engine_version: str
    decided_by: str = DECIDED_BY_RULES
    advice: ModelAdvice | None = None
    rules_ranked: tuple[tuple[str, float], ...] = ()
    overridden_county_rules: tuple[int, ...] = ()

    @property
    def chosen_actor(self) -> str:
        """The actor type the question goes to (the front door on fallback)."""
        return self.ranked[0][0]

    def explanation_lines(self, language: str = "sv", labels: Labels | None = None) -> list[str]:
        """Sentences explaining the decision in ``language`` (through gettext), for staff."""
        return explanation_lines(
            ranked=self.ranked,
            matches=self.matches,
            alternatives=[(s.actor_name, (s.title,)) for s in self.alternatives],
            fallback=self.fallback_to_front_door,
            labels=labels,
            language=language,
            decided_by=self.decided_by,
            advice=self.advice,
            overridden_county_rules=self.overridden_county_rules,
        )
