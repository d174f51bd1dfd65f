"""How an indicator is described: a ``Measure`` (rows, aggregates, final value), the ``Indicator``
that names and documents one, and the row sources the catalogue builds its measures from.

Rules that hold for every measure built here:

* Mystery-shopper test cases (``Case.is_test``) never count.
* Case-based measures select cases **filed** in the period (``Case.created_at``), so a month's
  figures do not change meaning as cases progress; survey-based ones select surveys about cases
  filed in the period.
* Companies are identified by organisation number with separators removed (``org_key``).
* Survey-based shares with fewer than ``MIN_SURVEY_ANSWERS`` answers in a cell are too few.

Measures are only descriptions; ``indicators.evaluation`` computes them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Aggregate, Count, Q, QuerySet

from indicators.models import Activity, ActivityParticipant, SurveyResponse
from indicators.sql import org_key
from indicators.values import MIN_SURVEY_ANSWERS, Group, Period, Share, Unit
from routing.models import Case, EscalationRecord


@dataclass(frozen=True)
class Measure:
    """How to compute one indicator: filtered rows, aggregates over them, and the final value.

    ``finish`` turns the aggregate row into the value; it must accept 0/None for an empty cell.
    """

    queryset: QuerySet
    aggregates: dict[str, Aggregate]
    finish: Callable[[dict], Any]
    county_field: str = "county_id"
    month_field: str = "created_at"
    month_is_date: bool = False
    actor_field: str | None = None


@dataclass(frozen=True)
class UnionMeasure:
    """Distinct company keys across several sources (cases, activity participants …).

    ``month_fields``: for each part, the field that dates its rows and whether it is a date
    (not a moment), so the keys can be kept per month (``indicators.kept_months``).
    """

    parts: list[tuple[QuerySet, str, str]] = field(default_factory=list)  # (qs, county, org)
    month_fields: list[tuple[str, bool]] = field(default_factory=list)


def empty_row(aggregates: dict[str, Aggregate]) -> dict[str, Any]:
    """The aggregate row of a cell without rows (``Count`` gives 0, the others NULL)."""
    return {name: (0 if isinstance(agg, Count) else None) for name, agg in aggregates.items()}


class Indicator:
    """A named, documented indicator; its function receives the ``Period`` and returns the
    ``Measure`` that computes it (evaluate with ``indicators.evaluation``)."""

    def __init__(
        self,
        func: Callable[[Period], Measure | UnionMeasure | None],
        *,
        key: str,
        label,
        group: Group,
        unit: Unit,
        goal: float | None = None,
    ):
        functools.update_wrapper(self, func)
        self.define = func
        self.key = key
        self.label = label
        self.group = group
        self.unit = unit
        self.goal = goal

    def __repr__(self) -> str:
        return f"<Indicator {self.key}>"

    def empty(self, period: Period):
        """The value of a cell without rows (a county with no cases: 0, an empty share …)."""
        measure = self.define(period)
        if measure is None:
            return None
        if isinstance(measure, UnionMeasure):
            return 0
        return measure.finish(empty_row(measure.aggregates))


def registering_in(registry: list[Indicator]) -> Callable[..., Callable[[Callable], Indicator]]:
    """A decorator factory: ``@indicator(key=…, …)`` makes an ``Indicator`` and appends it to
    ``registry``, so the registry is in declaration order."""

    def indicator(**meta) -> Callable[[Callable], Indicator]:
        def decorate(func: Callable) -> Indicator:
            ind = Indicator(func, **meta)
            registry.append(ind)
            return ind

        return decorate

    return indicator


# --------------------------------------------------------------------------- row sources


def count(row: dict) -> int:
    return row["n"] or 0


def cases_filed(period: Period) -> QuerySet:
    """Real (non-test) cases filed in the period."""
    return Case.objects.real().filter(created_at__gte=period.start_at, created_at__lt=period.end_at)


def case_measure(period: Period, aggregates: dict, finish: Callable) -> Measure:
    return Measure(cases_filed(period), aggregates, finish, actor_field="assigned_actor_id")


def activities_dated(period: Period, kinds=None) -> QuerySet:
    qs = Activity.objects.filter(date__gte=period.start, date__lte=period.end)
    return qs.filter(kind__in=kinds) if kinds else qs


def activity_measure(period: Period, kinds, aggregates: dict, finish: Callable) -> Measure:
    return Measure(
        activities_dated(period, kinds), aggregates, finish, month_field="date", month_is_date=True
    )


def participant_measure(period: Period, kinds) -> Measure:
    """Distinct companies registered as participants of activities of these kinds."""
    qs = ActivityParticipant.objects.filter(
        activity__date__gte=period.start, activity__date__lte=period.end, activity__kind__in=kinds
    )
    return Measure(
        qs,
        {"n": Count(org_key(), distinct=True)},
        count,
        county_field="activity__county_id",
        month_field="activity__date",
        month_is_date=True,
    )


def survey_measure(period: Period, kind: str, answer_field: str, yes: tuple[str, ...]) -> Measure:
    """Share of answers in ``yes`` over all answers to one survey question."""
    qs = SurveyResponse.objects.filter(
        kind=kind,
        case__is_test=False,
        case__created_at__gte=period.start_at,
        case__created_at__lt=period.end_at,
    )
    return Measure(
        qs,
        {
            "num": Count("pk", filter=Q(**{f"{answer_field}__in": yes})),
            "den": Count("pk", filter=~Q(**{answer_field: ""})),
        },
        lambda r: Share(r["num"] or 0, r["den"] or 0, min_answers=MIN_SURVEY_ANSWERS),
        county_field="case__county_id",
        month_field="case__created_at",
        actor_field="case__assigned_actor_id",
    )


def escalation_measure(period: Period, level: int) -> Measure:
    qs = EscalationRecord.objects.filter(
        case__is_test=False,
        case__created_at__gte=period.start_at,
        case__created_at__lt=period.end_at,
        level=level,
    )
    return Measure(
        qs,
        {"n": Count("pk")},
        count,
        county_field="case__county_id",
        month_field="case__created_at",
        actor_field="case__assigned_actor_id",
    )
