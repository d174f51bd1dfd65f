# Longer than 400 lines: the stored decision's dataclasses, reading its three versions and
# explaining it to staff and to companies belong together, so that no other code touches the JSON.
"""The routing decision stored with a case: one typed contract, written by intake, read by all.

``Case.routing_decision`` holds ``RoutingDecision.to_json()``; everything else reads it through
``Case.decision`` (``RoutingDecision.from_json``). No other code touches the raw JSON.

The stored form is structured data, never sentences: ``explain()`` renders the explanation when
it is shown, in the active language, through gettext. Staff get every sentence (scores, rules,
what they matched on); the company gets one plain sentence on why this actor.

Versions of the stored form (``version``):

1. (no ``version`` key) what intake wrote before this module: the engine's ``as_dict`` with
   ``matched_on`` as Swedish strings ("ämne: financing"), alternatives as one flat service list,
   and the explanation stored as text in both languages (ignored now: it is re-rendered).
2. ``matched_on`` as ``{"kind", "value", "country"}``; alternatives grouped per actor with the
   office serving the county.
3. The learned router beside the rules: ``decided_by`` ("rules", "model", "front_door"),
   ``advice`` (the model's top actors with probabilities, its topics, the threshold and model
   version), ``rules_ranked`` (the rules' own ranking) and ``overridden_county_rules``.
   Versions 1 and 2 read as decided by the rules (or the front door), without advice.

An empty dict (demo history, benchmark seeds) means no decision was recorded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.bilingual import ShownText, shown_text
from regions.models import County
from routing.catalogue import catalogue
from routing.engine import (
    DECIDED_BY_FRONT_DOOR,
    DECIDED_BY_MODEL,
    DECIDED_BY_RULES,
    NATIONAL,
    Condition,
    Decision,
    Labels,
    ModelAdvice,
    RuleMatch,
    explanation_lines,
)
from routing.engine.explain import ADVICE_SHOWN, actor_name, condition_text, rule_scope_text

DECISION_VERSION = 3

# As the rule form names them (routing.forms.MARKET_GROUP_LABELS, which imports models).
MARKET_NAMES = {
    "eu_eea": gettext_lazy("EU/EES"),
    "nordic": gettext_lazy("Norden"),
    "outside_eu": gettext_lazy("Utanför EU"),
}

# Version 1 stored what a rule matched on as Swedish "label: value" strings.
_V1_CONDITION_KINDS = {
    "ämne": "topic",
    "nyckelord": "keyword",
    "marknad": "market",
    "land": "country",
    "storlek": "employees",
    "exporterfarenhet": "experience",
}


class DecisionFormatError(ValueError):
    """Stored JSON that is no routing decision of any known version."""


@dataclass(frozen=True, slots=True)
class RankedActor:
    actor_type: str
    score: float


@dataclass(frozen=True, slots=True)
class ServiceRef:
    service_id: int
    title: str
    url: str = ""
    title_en: str = ""  # stored since English titles exist; older decisions read it as ""

    @property
    def shown_title(self) -> ShownText:
        return shown_text(self.title, self.title_en)


@dataclass(frozen=True, slots=True)
class OfficeRef:
    """How a company reaches an alternative actor: its office serving the county."""

    office_id: int
    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another actor offering similar services, told to the company."""

    actor_id: int
    actor_code: str
    actor_name: str
    services: tuple[ServiceRef, ...]
    office: OfficeRef | None = None


@dataclass(frozen=True, slots=True)
class AssignmentRecord:
    """Where assignment put the case when it was filed."""

    actor_type: str = ""
    actor_id: int | None = None
    actor_name: str = ""
    office_id: int | None = None
    office_name: str = ""
    handler_id: int | None = None
    out_of_county: bool = False
    in_triage: bool = False
    reason: str = ""
    skipped_actor_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Override:
    """A coordinator replaced the engine's choice."""

    by: int | None
    at: str  # ISO 8601
    from_actor: int | None
    from_office: int | None
    to_actor: int | None
    to_office: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class RuleLine:
    """A matching rule in words: its name, whose rule, what it matched on, what it gave."""

    name: str
    scope: str
    matched_on: tuple[str, ...]
    actor: str
    weight: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """The decision in words, in the language that was active when it was rendered."""

    sentences: tuple[str, ...]  # for staff: the outcome, scores and other actors
    rules: tuple[RuleLine, ...]  # for staff: each matching rule
    for_company: str  # one plain sentence, nothing internal


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    engine_version: str
    county: str
    ranked: tuple[RankedActor, ...]
    fallback_to_front_door: bool
    matches: tuple[RuleMatch, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    assignment: AssignmentRecord | None = None
    override: Override | None = None
    decided_by: str = DECIDED_BY_RULES
    advice: ModelAdvice | None = None
    rules_ranked: tuple[RankedActor, ...] = ()
    overridden_county_rules: tuple[int, ...] = ()
    version: int = DECISION_VERSION

    @property
    def chosen_actor(self) -> str:
        return self.ranked[0].actor_type

    @property
    def decided_by_model(self) -> bool:
        return self.decided_by == DECIDED_BY_MODEL

    # ------------------------------------------------------------------ building

    @classmethod
    def from_engine(
        cls,
        decision: Decision,
        *,
        county: str,
        assignment: Mapping[str, Any] | None = None,
        offices: Mapping[int, OfficeRef] | None = None,
    ) -> RoutingDecision:
        """From ``decide()``'s result; ``offices``: actor id -> its office serving the county."""
        offices = offices or {}
        return cls(
            engine_version=decision.engine_version,
            county=county,
            ranked=tuple(RankedActor(a, s) for a, s in decision.ranked),
            fallback_to_front_door=decision.fallback_to_front_door,
            matches=decision.matches,
            alternatives=_grouped(
                [
                    (
                        s.actor_id,
                        s.actor_code,
                        s.actor_name,
                        ServiceRef(s.service_id, s.title, s.url, s.title_en),
                    )
                    for s in decision.alternatives
                ],
                offices,
            ),
            assignment=_assignment_from_json(assignment) if assignment else None,
            decided_by=decision.decided_by,
            advice=_trimmed(decision.advice),
            rules_ranked=tuple(RankedActor(a, s) for a, s in decision.rules_ranked),
            overridden_county_rules=decision.overridden_county_rules,
        )

    def with_override(self, override: Override) -> RoutingDecision:
        return replace(self, override=override)

    # ------------------------------------------------------------------ reading

    def alternatives_besides(self, actor_id: int | None) -> tuple[Alternative, ...]:
        """The alternatives without the actor that has the case."""
        return tuple(a for a in self.alternatives if a.actor_id != actor_id)

    @property
    def alternatives_told(self) -> tuple[Alternative, ...]:
        """What the receipt listed: the alternatives besides the actor assignment chose."""
        return self.alternatives_besides(self.assignment.actor_id if self.assignment else None)

    def explain(self, labels: Labels | None = None) -> Explanation:
        """The explanation in the active language. ``labels``: default ``display_labels()``."""
        labels = labels or display_labels()
        sentences = explanation_lines(
            ranked=[(r.actor_type, r.score) for r in self.ranked],
            matches=self.matches,
            alternatives=(),  # listed with their services and offices by the page itself
            fallback=self.fallback_to_front_door,
            labels=labels,
            with_rules=False,
            decided_by=self.decided_by,
            advice=self.advice,
            overridden_county_rules=self.overridden_county_rules,
        )
        rules = tuple(
            RuleLine(
                name=m.rule_name,
                scope=rule_scope_text(m.scope, labels),
                matched_on=tuple(condition_text(c, labels) for c in m.matched_on),
                actor=labels.actor(m.actor_type),
                weight=f"{m.weight:+g}",
            )
            for m in self.matches
        )
        return Explanation(
            sentences=tuple(sentences), rules=rules, for_company=self._company_sentence(labels)
        )

    def deciding_match(self) -> RuleMatch | None:
        """The rule that decided the outcome, as the engine ranks (``routing.engine``): for an
        actor a matching county rule put first, that county rule (highest priority); otherwise the
        chosen actor's heaviest positive rule. None when no rule decided (the front door)."""
        if self.fallback_to_front_door:
            return None
        positive = [m for m in self.matches if m.actor_type == self.chosen_actor and m.weight > 0]
        county = [m for m in positive if m.scope != NATIONAL]
        # ``matches`` come in ranking order and, per actor, by priority: the first is the highest.
        if county:
            return county[0]
        return max(positive, key=lambda m: m.weight, default=None)

    def decided_by_county_rule(self) -> bool:
        match = self.deciding_match()
        return match is not None and match.scope != NATIONAL

    def _company_sentence(self, labels: Labels) -> str:
        if self.override is not None:
            return _("En samordnare i exportcentret har valt den aktör som bäst passar frågan.")
        assignment = self.assignment
        if self.fallback_to_front_door or (assignment and assignment.in_triage):
            return _(
                "Ingen enskild aktör passade självklart för frågan, så exportcentret i länet "
                "läser den och ser till att rätt aktör kontaktar dig."
            )
        # Assignment may have passed over the chosen type (no office): speak of the one it took.
        actor_type = (assignment.actor_type if assignment else "") or self.chosen_actor
        actor = (assignment.actor_name if assignment else "") or labels.actor(actor_type)
        if self.decided_by_model:
            return _("Frågan gick till %(actor)s, som brukar svara på frågor som din.") % {
                "actor": actor
            }
        topic = next(
            (
                c.value
                for m in self.matches
                if m.actor_type == actor_type and m.weight > 0
                for c in m.matched_on
                if c.kind == "topic"
            ),
            None,
        )
        if topic:
            return _(
                "Frågan gick till %(actor)s, som hjälper företag med det du frågar om (%(topic)s)."
            ) % {"actor": actor, "topic": labels.topic(topic)}
        return _("Frågan gick till %(actor)s, som hjälper företag med det du frågar om.") % {
            "actor": actor
        }

    # ------------------------------------------------------------------ storage

    def to_json(self) -> dict[str, Any]:
        """Every field as JSON values (field names are the stored keys), plus ``chosen_actor``
        for people reading the database."""
        stored = {
            **dataclasses.asdict(self),
            "version": DECISION_VERSION,
            "chosen_actor": self.chosen_actor,
        }
        if stored["advice"] is not None:
            # Only the alternatives used the topic scores; the contract (v3) stays as it was.
            del stored["advice"]["topic_scores"]
            del stored["advice"]["runner_up_cut"]
            del stored["advice"]["fallback_cut"]
        return stored

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RoutingDecision | None:
        """The stored decision of any version; None when none was recorded (``{}``)."""
        if not data:
            return None
        try:
            version = int(data.get("version", 1))
            if version == 1:
                return _from_v1(data)
            if version == 2:
                return _from_v2(data)
            if version == DECISION_VERSION:
                return _from_v3(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DecisionFormatError(f"not a stored routing decision: {exc}") from exc
        raise DecisionFormatError(f"unknown routing decision version {version}")


# ---------------------------------------------------------------------- display labels


def display_labels() -> Labels:
    """Codes as people read them, in the active language: topic names from the process's
    catalogue snapshot, county names when a county rule needs one, bands and experience as
    the question form shows them."""
    case_model = apps.get_model("routing", "Case")
    snapshot = catalogue()
    bands = dict(case_model.EmployeeBand.choices)
    experience = dict(case_model.ExportExperience.choices)

    @cache
    def county_names() -> dict[str, str]:
        return dict(County.objects.values_list("code", "name"))

    def topic(code: str) -> str:
        found = snapshot.topic(code)
        return found.name if found is not None else code

    return Labels(
        actor=actor_name,
        topic=topic,
        market=lambda code: str(MARKET_NAMES.get(code, code)),
        employees=lambda code: str(bands.get(code, code)),
        experience=lambda code: str(experience.get(code, code)),
        county=lambda code: county_names().get(code, code),
    )


# ---------------------------------------------------------------------- JSON helpers


def _grouped(
    services: Sequence[tuple[int, str, str, ServiceRef]], offices: Mapping[int, OfficeRef]
) -> tuple[Alternative, ...]:
    """Services (actor id, actor code, actor name, service) grouped per actor, in order."""
    by_actor: dict[int, tuple[str, str, list[ServiceRef]]] = {}
    for actor_id, code, name, service in services:
        by_actor.setdefault(actor_id, (code, name, []))[2].append(service)
    return tuple(
        Alternative(
            actor_id=actor_id,
            actor_code=code,
            actor_name=name,
            services=tuple(refs),
            office=offices.get(actor_id),
        )
        for actor_id, (code, name, refs) in by_actor.items()
    )


def _match_from_json(m: Mapping[str, Any], conditions: tuple[Condition, ...]) -> RuleMatch:
    return RuleMatch(
        rule_id=m["rule_id"],
        rule_name=m["rule_name"],
        scope=m["scope"],
        actor_type=m["actor_type"],
        weight=float(m["weight"]),
        matched_on=conditions,
    )


def _v1_condition(text: str) -> Condition:
    """ "ämne: financing", "marknad: outside_eu (US)" -> ``Condition``."""
    label, _sep, value = text.partition(": ")
    kind = _V1_CONDITION_KINDS.get(label, label)
    if kind == "market" and value.endswith(")") and " (" in value:
        group, _open, country = value[:-1].rpartition(" (")
        return Condition(kind, group, country)
    return Condition(kind, value)


def _assignment_from_json(data: Mapping[str, Any]) -> AssignmentRecord:
    return AssignmentRecord(
        **{**data, "skipped_actor_types": tuple(data.get("skipped_actor_types", ()))}
    )


def _common(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields both versions store alike."""
    return {
        "engine_version": str(data["engine_version"]),
        "county": data.get("county", ""),
        "ranked": tuple(RankedActor(r["actor_type"], float(r["score"])) for r in data["ranked"]),
        "fallback_to_front_door": bool(data["fallback_to_front_door"]),
        "assignment": _assignment_from_json(data["assignment"]) if data.get("assignment") else None,
        "override": Override(**data["override"]) if data.get("override") else None,
    }


def _from_v1(data: Mapping[str, Any]) -> RoutingDecision:
    common = _common(data)
    return RoutingDecision(
        **common,
        decided_by=DECIDED_BY_FRONT_DOOR if common["fallback_to_front_door"] else DECIDED_BY_RULES,
        matches=tuple(
            _match_from_json(m, tuple(_v1_condition(t) for t in m["matched_on"]))
            for m in data.get("matches", ())
        ),
        alternatives=_grouped(
            [
                (
                    s["actor_id"],
                    s["actor_code"],
                    s["actor_name"],
                    ServiceRef(s["service_id"], s["title"], s.get("url", "")),
                )
                for s in data.get("alternatives", ())
            ],
            {},
        ),
    )


def _trimmed(advice: ModelAdvice | None) -> ModelAdvice | None:
    """The advice as stored: the top actors staff are shown, not every class, and no topic
    scores (they served the alternatives, which are stored themselves)."""
    if advice is None:
        return None
    return replace(advice, actors=advice.actors[:ADVICE_SHOWN], topic_scores=())


def _from_v3(data: Mapping[str, Any]) -> RoutingDecision:
    advice = data.get("advice")
    return replace(
        _from_v2(data),
        decided_by=str(data["decided_by"]),
        advice=ModelAdvice(
            actors=tuple((str(a), float(p)) for a, p in advice["actors"]),
            topics=tuple(advice["topics"]),
            threshold=float(advice["threshold"]),
            model_version=advice.get("model_version"),
        )
        if advice
        else None,
        rules_ranked=tuple(
            RankedActor(r["actor_type"], float(r["score"])) for r in data["rules_ranked"]
        ),
        overridden_county_rules=tuple(int(i) for i in data["overridden_county_rules"]),
    )


def _from_v2(data: Mapping[str, Any]) -> RoutingDecision:
    common = _common(data)
    return RoutingDecision(
        **common,
        decided_by=DECIDED_BY_FRONT_DOOR if common["fallback_to_front_door"] else DECIDED_BY_RULES,
        matches=tuple(
            _match_from_json(m, tuple(Condition(**c) for c in m["matched_on"]))
            for m in data["matches"]
        ),
        alternatives=tuple(
            Alternative(
                actor_id=a["actor_id"],
                actor_code=a["actor_code"],
                actor_name=a["actor_name"],
                services=tuple(ServiceRef(**s) for s in a["services"]),
                office=OfficeRef(**a["office"]) if a.get("office") else None,
            )
            for a in data["alternatives"]
        ),
    )
