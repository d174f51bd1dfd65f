# Longer than 400 lines: rules are compiled, routed on, edited with their change history and diffed
# here; the four share the compiled cache and its version.
"""Routing rules as data: loading, the per-process compiled cache, and the rule services.

Compiled rules live in each process (web and worker) and are rebuilt when the rules version in
Django's cache changes. A request costs one cache read (``routing:rules-version``), never a rule
query. Every rule write bumps the version after commit, so no process can compile the old rows
under the new version.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from regions.models import County
from regions.versions import shared_version, shared_version_bump, shared_version_key
from routing.catalogue import CatalogueSnapshot, catalogue, front_door_actor_type
from routing.countries import country_name
from routing.decision import display_labels
from routing.engine import (
    CompiledRules,
    Decision,
    Labels,
    ModelAdvice,
    QuestionFacts,
    RuleSpec,
    ServiceSpec,
    compile_rules,
    decide,
)
from routing.learning.store import model_advice
from routing.models import ExampleQuestion, RoutingRule, RoutingRuleChange

RULES_VERSION_KEY = shared_version_key("routing:rules-version")
CONDITION_FIELDS = (
    "topics",
    "keywords",
    "market_groups",
    "countries",
    "employee_bands",
    "export_experience",
)
EDITABLE_FIELDS = ("name", "priority", "active", *CONDITION_FIELDS, "actor_type", "weight")


# --------------------------------------------------------------------------- loading


def rule_spec(rule: RoutingRule) -> RuleSpec:
    return RuleSpec(
        id=rule.pk,
        name=rule.name,
        county_code=rule.county_id,
        priority=rule.priority,
        active=rule.active,
        actor_type=rule.actor_type_id,
        weight=rule.weight,
        topics=rule.topics or (),
        keywords=rule.keywords or (),
        market_groups=rule.market_groups or (),
        countries=rule.countries or (),
        employee_bands=rule.employee_bands or (),
        export_experience=rule.export_experience or (),
    )


def load_rule_specs() -> list[RuleSpec]:
    return [rule_spec(rule) for rule in RoutingRule.objects.filter(active=True)]


def rules_version() -> str:
    return shared_version(RULES_VERSION_KEY)


def rules_version_bump() -> None:
    """Tell every process to recompile its rules."""
    shared_version_bump(RULES_VERSION_KEY)


class CompiledRulesCache:
    """The compiled rules of one process, rebuilt when the shared version changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._compiled: CompiledRules | None = None
        self.compilations = 0

    def get(self) -> CompiledRules:
        version = rules_version()
        compiled = self._compiled
        if compiled is not None and self._version == version:
            return compiled
        with self._lock:
            if self._compiled is None or self._version != version:
                self._compiled = compile_rules(load_rule_specs())
                self._version = version
                self.compilations += 1
            return self._compiled


_process_cache = CompiledRulesCache()


def compiled_rules() -> CompiledRules:
    return _process_cache.get()


# --------------------------------------------------------------------------- deciding


def route_question(
    facts: QuestionFacts,
    *,
    compiled: CompiledRules | None = None,
    services: list[ServiceSpec] | None = None,
    front_door: str | None = None,
    snapshot: CatalogueSnapshot | None = None,
    with_model: bool = True,
    advice: ModelAdvice | None = None,
) -> Decision:
    """The engine's decision with the county's catalogue and front door filled in (from
    ``snapshot``, default this process's catalogue snapshot, unless given), and the active
    router model's advice (``with_model=False``: the rules alone; ``advice``: this advice instead
    of the active model's)."""
    if services is None or not front_door:
        snapshot = snapshot or catalogue()
        if services is None:
            services = snapshot.services(facts.county_code)
        front_door = front_door or snapshot.front_door_actor_type(facts.county_code)
    return decide(
        facts,
        compiled if compiled is not None else compiled_rules(),
        services=services,
        front_door_actor=front_door,
        advice=advice if advice is not None or not with_model else model_advice(facts.text),
    )


# --------------------------------------------------------------------------- services


def rule_snapshot(rule: RoutingRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "name": rule.name,
        "county": rule.county_id,
        "priority": rule.priority,
        "active": rule.active,
        **{field: list(getattr(rule, field) or []) for field in CONDITION_FIELDS},
        "actor_type": rule.actor_type_id,
        "weight": rule.weight,
    }


#: The rule's fields in the order a person reads them, with their names.
RULE_FIELD_LABELS = {
    "name": _lazy("Namn"),
    "county": _lazy("Gäller"),
    "active": _lazy("Aktiv"),
    "actor_type": _lazy("Aktör"),
    "weight": _lazy("Vikt"),
    "priority": _lazy("Prioritet"),
    "topics": _lazy("Ämnen"),
    "keywords": _lazy("Nyckelord"),
    "market_groups": _lazy("Marknadsgrupper"),
    "countries": _lazy("Länder"),
    "employee_bands": _lazy("Företagets storlek"),
    "export_experience": _lazy("Exporterfarenhet"),
}


def rule_value_text(field: str, value: Any, labels: Labels | None = None) -> str:
    """A stored rule value as a person reads it, in the active language ("–" for nothing)."""
    labels = labels or display_labels()
    if value is None or value == [] or value == "":
        return "–" if field != "county" else _("Hela landet (nationell regel)")
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    name_of = {
        "county": labels.county,
        "actor_type": labels.actor,
        "topics": labels.topic,
        "market_groups": labels.market,
        "employee_bands": labels.employees,
        "export_experience": labels.experience,
        "countries": lambda code: country_name(code, translation.get_language() or "sv"),
    }.get(field, str)
    if isinstance(value, list):
        return ", ".join(name_of(str(item)) for item in value)
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=None if value % 1 else 0)
    return name_of(str(value))


def rule_change_readable(change: RoutingRuleChange) -> list[dict[str, Any]]:
    """``rule_change_diff`` in words: field names and values as people read them."""
    labels = display_labels()
    rows = {row["field"]: row for row in rule_change_diff(change)}
    ordered = [f for f in RULE_FIELD_LABELS if f in rows] + sorted(
        set(rows) - set(RULE_FIELD_LABELS)
    )
    return [
        {
            "field": str(RULE_FIELD_LABELS.get(field, field)),
            "before": None
            if change.before is None
            else rule_value_text(field, rows[field]["before"], labels),
            "after": None
            if change.after is None
            else rule_value_text(field, rows[field]["after"], labels),
            "changed": rows[field]["changed"],
        }
        for field in ordered
    ]


def example_results_readable(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Example outcomes with actor and county names instead of codes (the codes stay for
    comparing)."""
    labels = display_labels()

    def actor(code: str) -> str:
        return labels.actor(code) if code else ""

    return [
        {
            **result,
            "county_name": labels.county(result["county"]),
            "expected_name": actor(result["expected"]),
            "before_name": actor(result["before"]),
            "after_name": actor(result["after"]),
        }
        for result in results
    ]


def rule_change_diff(change: RoutingRuleChange) -> list[dict[str, Any]]:
    """Field by field, the rule before and after ``change`` (a creation has no before, a
    deletion no after), sorted by field name."""
    before, after = change.before or {}, change.after or {}
    fields = sorted((before.keys() | after.keys()) - {"id"})
    return [
        {
            "field": f,
            "before": before.get(f),
            "after": after.get(f),
            "changed": before.get(f) != after.get(f),
        }
        for f in fields
    ]


@dataclass(frozen=True)
class ExampleOutcome:
    example_id: int
    county: str
    text: str
    expected: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def as_expected(self) -> bool:
        return self.after == self.expected

    def as_dict(self) -> dict[str, Any]:
        return {
            "example_id": self.example_id,
            "county": self.county,
            "text": self.text[:200],
            "expected": self.expected,
            "before": self.before,
            "after": self.after,
            "changed": self.changed,
        }


def _example_facts(example: ExampleQuestion) -> QuestionFacts:
    return QuestionFacts(
        county_code=example.county_id,
        text=example.text,
        topic=example.topic_id,
        target_countries=tuple(example.target_countries or ()),
    )


def example_questions_run(
    *, county_codes: Iterable[str] | None = None, specs: list[RuleSpec] | None = None
) -> list[ExampleOutcome]:
    """Re-run example questions against ``specs`` (default: the rules in the database) and
    store each one's new outcome; ``before`` is the outcome stored by the previous run."""
    compiled = compile_rules(specs if specs is not None else load_rule_specs())
    examples = ExampleQuestion.objects.all()
    if county_codes is not None:
        examples = examples.filter(county_id__in=list(county_codes))
    outcomes: list[ExampleOutcome] = []
    front_doors: dict[str, str] = {}
    for example in examples.order_by("county_id", "pk"):
        county = example.county_id
        if county not in front_doors:
            front_doors[county] = front_door_actor_type(county)
        decision = decide(_example_facts(example), compiled, front_door_actor=front_doors[county])
        after = decision.chosen_actor
        outcomes.append(
            ExampleOutcome(
                example_id=example.pk,
                county=county,
                text=example.text,
                expected=example.expected_actor_type_id,
                before=example.last_actor_type,
                after=after,
            )
        )
        if example.last_actor_type != after:
            ExampleQuestion.objects.filter(pk=example.pk).update(last_actor_type=after)
    return outcomes


def _record_change(
    *, rule: RoutingRule | None, user, action: str, before: dict | None, after: dict | None
) -> RoutingRuleChange:
    county_code = (after or before or {}).get("county")
    # A national rule affects every county's examples; a county rule only its own.
    outcomes = example_questions_run(county_codes=None if county_code is None else [county_code])
    transaction.on_commit(rules_version_bump)
    return RoutingRuleChange.objects.create(
        rule=rule,
        rule_name=(after or before or {}).get("name", "")[:160],
        county_id=county_code,
        changed_by=user if getattr(user, "pk", None) else None,
        changed_at=timezone.now(),
        action=action,
        before=before,
        after=after,
        example_results=[o.as_dict() for o in outcomes],
    )


@transaction.atomic
def rule_create(*, user, county: County | None, data: dict[str, Any]) -> RoutingRuleChange:
    """Create a rule from cleaned form data (keys of ``EDITABLE_FIELDS``)."""
    rule = RoutingRule(county=county, **{k: data[k] for k in EDITABLE_FIELDS if k in data})
    rule.save()
    return _record_change(
        rule=rule, user=user, action="created", before=None, after=rule_snapshot(rule)
    )


@transaction.atomic
def rule_update(*, user, rule: RoutingRule, data: dict[str, Any]) -> RoutingRuleChange:
    """Update a rule; the row is locked so two editors cannot interleave before/after."""
    rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    before = rule_snapshot(rule)
    changed = [k for k in EDITABLE_FIELDS if k in data]
    for key in changed:
        setattr(rule, key, data[key])
    rule.save(update_fields=[*changed, "updated_at"])
    return _record_change(
        rule=rule, user=user, action="updated", before=before, after=rule_snapshot(rule)
    )


@transaction.atomic
def rule_delete(*, user, rule: RoutingRule) -> RoutingRuleChange:
    rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    before = rule_snapshot(rule)
    rule.delete()
    return _record_change(rule=None, user=user, action="deleted", before=before, after=None)


@transaction.atomic
def example_question_create(
    *,
    county: County,
    text: str,
    expected_actor_type,
    topic=None,
    target_countries: list[str] | None = None,
) -> ExampleQuestion:
    example = ExampleQuestion.objects.create(
        county=county,
        text=text,
        topic=topic,
        target_countries=target_countries or [],
        expected_actor_type=expected_actor_type,
    )
    example_questions_run(county_codes=[county.code])
    example.refresh_from_db(fields=["last_actor_type"])
    return example


def example_question_delete(*, example: ExampleQuestion) -> None:
    example.delete()
