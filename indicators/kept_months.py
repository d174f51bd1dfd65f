# Longer than 400 lines: the definition of a closed month (the docstring), the marks, the parts
# computed from rows and their exact merge are one contract and are read together.
"""Closed months, kept: every indicator's parts of a month whose records can no longer change are
computed once and stored; a period's figures combine them with live parts of the other months.

**When a month is closed.** A month's figures are functions of the cases *filed* in it (and of
what hangs on them: events, escalations, surveys) and of the activities and page visits *dated*
in it (``indicators.measures``). A calendar month M (Europe/Stockholm) is closed when all of:

1. no record can be added to it any more: M ended at least ``RECEIVED_MAX_AGE`` (30 days, plus
   the clock slack) ago, the longest a registered question may be back-dated
   (``routing.registration``); the web form and the API file "now", page visits count "today";
2. every real case filed in M is closed and its original deadline has passed. Handling services
   act on open cases only (``routing.access.case_actions_for``: a closed case can only get a
   note, which no figure reads, or be reopened), the escalation sweep reads open cases only,
   and with every deadline passed "decided" in ``first_contact_in_time`` no longer depends on
   the time of computing;
3. nothing below changed its records since its parts were computed.

What can still change a closed month, and how each marks it (``kept_months_forget*``, in the
same transaction as the change):

* a closed case reopened (``routing.services.case_reopen``, through the extension point
  ``routing.extensions``): the case can then be referred, reassigned, escalated;
* a survey invitation or answer (``indicators.services.survey_dispatch`` / ``survey_answer``):
  they come months after closing (the effect question after 182 days, answerable for 120 more);
* an activity registered, changed, cancelled or given participants, whatever its date
  (``indicators.services``): activities are registered afterwards;
* anonymisation and erasure (``privacy.services``): organisation numbers become pseudonyms, so
  distinct-company counts across anonymised and not yet anonymised months change, and event
  data is emptied (``cases_moved_to_another_actor``). These use ``bulk_update`` and
  ``QuerySet.update``, which do not touch ``updated_at``; that is why months are marked by the
  services rather than detected from timestamps.

Cases and events are read-only in the Django admin; the benchmark seeders and demo loaders write
history directly and are not used in production (clear ``KeptMonth`` after using them).

A mark sets a new ``token`` (an upsert, so it also waits for a refresh that is creating the row),
and a refresh stores parts only if the token it read before computing is unchanged: a change
committed during the computation is never kept.

**What is kept.** For every indicator, one cell per (county, actor, month) with its aggregates:
counts and sums as numbers (they add up); for distinct-company counts the set of company keys
(union, then count); for the median every value it is the median of (merged, sorted, and
interpolated as PostgreSQL's ``PERCENTILE_CONT(0.5)``). So every figure of a period, for the
country, a county, a month, an actor type or an actor, is the same function of the raw records
as ``indicators.evaluation`` computes from scratch (``tests/indicators/test_kept_months.py``
compares them). Distinct counts cannot be merged from numbers, hence the keys; they are the
organisation numbers (or pseudonyms) of the month, which is why anonymisation clears the month.

Kept months need PostgreSQL (``ARRAY_AGG``); elsewhere every figure is computed from scratch.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

import numpy
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.utils import timezone

from indicators.definitions import INDICATORS
from indicators.evaluation import split_by_county
from indicators.measures import Measure, UnionMeasure
from indicators.models import Activity, KeptMonth
from indicators.sql import Median, org_key, reporting_queries
from indicators.values import Period
from regions.models import Actor
from routing.clock import STOCKHOLM
from routing.models import Case
from routing.registration import CLOCK_SLACK, RECEIVED_MAX_AGE

#: Raise when the shape of ``KeptMonth.parts`` changes: older parts are then recomputed.
PARTS_VERSION = 1

SUM, KEYS, VALUES = "sum", "keys", "values"

#: ``{indicator key: {(county, actor, month ISO date): {aggregate name: part}}}``
Cells = dict[str, dict[tuple, dict[str, Any]]]


def in_use() -> bool:
    return connection.vendor == "postgresql"


# --------------------------------------------------------------------------- months


def _last_day(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def month_of(value: date | datetime) -> date:
    """The month (its first day) a date or moment is in, in Europe/Stockholm."""
    if isinstance(value, datetime):
        value = value.astimezone(STOCKHOLM).date()
    return value.replace(day=1)


def _month_iso(value) -> str:
    return month_of(value).isoformat()


def closable_after(month: date) -> datetime:
    """When nothing can be filed into ``month`` any more (condition 1)."""
    return Period(month, _last_day(month)).end_at + RECEIVED_MAX_AGE + CLOCK_SLACK


# --------------------------------------------------------------------------- marking


def kept_months_forget(months: Iterable[date]) -> None:
    """Mark months as changed: their kept parts go, and a refresh computing them now cannot
    store its result. Call in the transaction of the change."""
    rows = [
        KeptMonth(month=month, token=uuid.uuid4(), version=0, computed_at=None, parts=None)
        for month in sorted({m.replace(day=1) for m in months})
    ]
    if rows:
        KeptMonth.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["month"],
            update_fields=["token", "version", "computed_at", "parts"],
        )


def kept_months_forget_cases(case_ids: Iterable[int]) -> None:
    """Mark the months the cases were filed in."""
    months = (
        Case.objects.filter(pk__in=list(case_ids))
        .order_by()
        .annotate(month=TruncMonth("created_at", tzinfo=STOCKHOLM))
        .values_list("month", flat=True)
        .distinct()
    )
    kept_months_forget(month_of(m) for m in months)


def kept_months_forget_activities(activity_ids: Iterable[int]) -> None:
    """Mark the months the activities are dated in."""
    dates = Activity.objects.filter(pk__in=list(activity_ids)).values_list("date", flat=True)
    kept_months_forget(set(dates))


# --------------------------------------------------------------------------- parts of rows


def _kind(aggregate) -> str:
    if isinstance(aggregate, Median):
        return VALUES
    if isinstance(aggregate, Count) and aggregate.distinct:
        return KEYS
    return SUM


def _collecting(aggregate):
    """The aggregate that keeps what ``aggregate`` needs to be merged exactly."""
    kind = _kind(aggregate)
    if kind == SUM:
        return aggregate
    expression = aggregate.get_source_expressions()[0]
    condition = aggregate.filter
    # Django 6 wraps the condition (``AggregateFilter``); Django 5.2 keeps the Q itself.
    condition = getattr(condition, "condition", condition)
    return ArrayAgg(expression, distinct=kind == KEYS, filter=condition)


def _part(kind: str, value):
    if kind == SUM:
        return value
    return [v for v in value or () if v is not None]


def _month_expression(field: str, is_date: bool):
    return TruncMonth(field) if is_date else TruncMonth(field, tzinfo=STOCKHOLM)


def cells_of(period: Period) -> Cells:
    """Every indicator's parts over the records of ``period``, per (county, actor, month): one
    grouped query per distinct row set, as ``indicators.evaluation``."""
    cells: Cells = {}
    batches: dict[tuple, list[tuple[Any, Measure]]] = {}
    for ind in INDICATORS:
        measure = ind.define(period)
        if measure is None:
            continue
        if isinstance(measure, UnionMeasure):
            cells[ind.key] = _union_cells(measure)
            continue
        sql, params = measure.queryset.order_by().query.sql_with_params()
        signature = (
            measure.queryset.model,
            sql,
            tuple(map(repr, params)),
            measure.county_field,
            measure.actor_field,
            measure.month_field,
            measure.month_is_date,
        )
        batches.setdefault(signature, []).append((ind, measure))
    for members in batches.values():
        first = members[0][1]
        columns = {
            "cell_county": F(first.county_field),
            "cell_month": _month_expression(first.month_field, first.month_is_date),
        }
        if first.actor_field:
            columns["cell_actor"] = F(first.actor_field)
        aggregates = {
            f"a{n}_{name}": _collecting(aggregate)
            for n, (_ind, measure) in enumerate(members)
            for name, aggregate in measure.aggregates.items()
        }
        for ind, _measure in members:
            cells[ind.key] = {}
        for row in first.queryset.order_by().values(**columns).annotate(**aggregates):
            if row["cell_month"] is None:
                continue
            key = (row["cell_county"], row.get("cell_actor"), _month_iso(row["cell_month"]))
            for n, (ind, measure) in enumerate(members):
                cells[ind.key][key] = {
                    name: _part(_kind(aggregate), row[f"a{n}_{name}"])
                    for name, aggregate in measure.aggregates.items()
                }
    return cells


def _union_cells(measure: UnionMeasure) -> dict[tuple, dict[str, Any]]:
    keys: dict[tuple, set] = {}
    for (qs, county_field, org_field), (month_field, is_date) in zip(
        measure.parts, measure.month_fields, strict=True
    ):
        rows = (
            qs.order_by()
            .values(cell_county=F(county_field), cell_month=_month_expression(month_field, is_date))
            .annotate(keys=ArrayAgg(org_key(org_field), distinct=True))
        )
        for row in rows:
            key = (row["cell_county"], None, _month_iso(row["cell_month"]))
            keys.setdefault(key, set()).update(_part(KEYS, row["keys"]))
    return {key: {"keys": list(values)} for key, values in keys.items()}


def _cells_to_json(cells: Cells) -> dict[str, list]:
    return {ind_key: [[*key, row] for key, row in rows.items()] for ind_key, rows in cells.items()}


def _cells_from_json(data: dict[str, list]) -> Cells:
    return {ind_key: {(c, a, m): row for c, a, m, row in rows} for ind_key, rows in data.items()}


# --------------------------------------------------------------------------- merging


def percentile_cont_median(values: list[float]) -> float | None:
    """PostgreSQL's ``PERCENTILE_CONT(0.5)``: the middle value, or the interpolation
    ``low + (high - low) * 0.5`` of the two middle ones, in the same float arithmetic."""
    if not values:
        return None
    position = 0.5 * (len(values) - 1)
    first, second = math.floor(position), math.ceil(position)
    # Selecting the two middle values (not sorting all) is the cost at volume.
    middle = numpy.partition(numpy.asarray(values, dtype=float), (first, second))
    low, high = float(middle[first]), float(middle[second])
    return low + (high - low) * (position - first)


def _grouped(
    cell_sets: list[dict[tuple, dict]], group: Callable[[tuple], Any], kinds: dict[str, str]
) -> dict[Any, dict[str, Any]]:
    groups: dict[Any, dict[str, Any]] = {}
    for cells in cell_sets:
        for key, row in cells.items():
            label = group(key)
            acc = groups.get(label)
            if acc is None:
                acc = groups[label] = {
                    name: set() if kind == KEYS else [] if kind == VALUES else None
                    for name, kind in kinds.items()
                }
            for name, kind in kinds.items():
                value = row[name]
                if kind == KEYS:
                    acc[name].update(value)
                elif kind == VALUES:
                    acc[name].extend(value)
                elif value is not None:
                    acc[name] = value if acc[name] is None else acc[name] + value
    return groups


def _aggregate_row(acc: dict[str, Any], kinds: dict[str, str]) -> dict[str, Any]:
    """The row the database would have returned for the merged cells."""
    return {
        name: len(acc[name])
        if kind == KEYS
        else percentile_cont_median(acc[name])
        if kind == VALUES
        else acc[name]
        for name, kind in kinds.items()
    }


def _empty_acc(kinds: dict[str, str], aggregates: dict) -> dict[str, Any]:
    """What an empty row set aggregates to: ``COUNT`` gives 0, everything else NULL."""
    return {
        name: set()
        if kind == KEYS
        else []
        if kind == VALUES
        else (0 if isinstance(aggregates[name], Count) else None)
        for name, kind in kinds.items()
    }


class PeriodParts:
    """A period's figures from cells: kept months and live ones. The methods give what
    ``indicators.evaluation``'s ``compute_*`` give for the same period."""

    GROUPINGS: dict[str, Callable[[tuple], Any]] = {
        "total": lambda key: (),
        "county": lambda key: key[0],
        "month": lambda key: date.fromisoformat(key[2]),
        "county_month": lambda key: (key[0], date.fromisoformat(key[2])),
        "county_actor": lambda key: (key[0], key[1]),
    }

    def __init__(self, period: Period, cell_sets: list[Cells], actor_types: dict[int, int]):
        self.period = period
        self.cell_sets = cell_sets
        self.actor_types = actor_types
        self.measures = {ind.key: ind.define(period) for ind in INDICATORS}

    def _evaluate(self, indicators, mode: str) -> dict[str, Any]:
        group = self.GROUPINGS.get(mode) or (lambda key: self.actor_types.get(key[1]))
        result: dict[str, Any] = {}
        for ind in indicators:
            measure = self.measures[ind.key]
            if measure is None:
                result[ind.key] = None if mode == "total" else {}
                continue
            if isinstance(measure, UnionMeasure):
                if mode not in ("total", "county"):
                    result[ind.key] = {}
                    continue
                kinds, aggregates = {"keys": KEYS}, {}

                def finish(row):
                    return row["keys"]
            else:
                if mode in ("actor_type", "county_actor") and not measure.actor_field:
                    result[ind.key] = {}
                    continue
                aggregates = measure.aggregates
                kinds = {name: _kind(aggregate) for name, aggregate in aggregates.items()}
                finish = measure.finish
            groups = _grouped([cells.get(ind.key, {}) for cells in self.cell_sets], group, kinds)
            if mode == "total":
                acc = groups.get(()) or _empty_acc(kinds, aggregates)
                result[ind.key] = finish(_aggregate_row(acc, kinds))
            else:
                result[ind.key] = {
                    label: finish(_aggregate_row(acc, kinds)) for label, acc in groups.items()
                }
        return result

    def compute_all(self, indicators=None) -> dict[str, Any]:
        return self._evaluate(indicators or INDICATORS, "total")

    def compute_by_county(self, county_codes: list[str], indicators=None) -> dict[str, dict]:
        indicators = indicators or INDICATORS
        grouped = self._evaluate(indicators, "county")
        empty = {ind.key: ind.empty(self.period) for ind in indicators}
        return {
            code: {ind.key: grouped[ind.key].get(code, empty[ind.key]) for ind in indicators}
            for code in county_codes
        }

    def compute_by_month(self, indicators) -> dict[str, dict[date, Any]]:
        return self._evaluate(indicators, "month")

    def compute_by_actor_type(self, indicators) -> dict[str, dict[Any, Any]]:
        return self._evaluate(indicators, "actor_type")

    def compute_by_county_month(self, indicators) -> dict[str, dict[str, dict[date, Any]]]:
        return split_by_county(indicators, self._evaluate(indicators, "county_month"))

    def compute_by_county_actor(self, indicators) -> dict[str, dict[str, dict[Any, Any]]]:
        return split_by_county(indicators, self._evaluate(indicators, "county_actor"))


# --------------------------------------------------------------------------- a period


def _unclosed(months: list[date], now: datetime) -> set[date]:
    """Those of ``months`` with a real case still open or inside its clock (condition 2)."""
    if not months:
        return set()
    span = Period(months[0], _last_day(months[-1]))
    found = (
        Case.objects.real()
        .filter(created_at__gte=span.start_at, created_at__lt=span.end_at)
        .exclude(status=Case.Status.CLOSED, original_deadline_at__lte=now)
        .order_by()
        .annotate(month=TruncMonth("created_at", tzinfo=STOCKHOLM))
        .values_list("month", flat=True)
        .distinct()
    )
    return {month_of(month) for month in found}


def _keep_closed(candidates: list[date], now: datetime) -> dict[date, Cells]:
    """Compute and store the parts of those ``candidates`` that are closed; returns them."""
    if not candidates:
        return {}
    KeptMonth.objects.bulk_create(
        [KeptMonth(month=month, token=uuid.uuid4()) for month in candidates],
        ignore_conflicts=True,
    )
    # The tokens are read before the closing check and the computation: a change committed
    # after this read changes the token, and the compare-and-set below then stores nothing.
    tokens = dict(KeptMonth.objects.filter(month__in=candidates).values_list("month", "token"))
    unclosed = _unclosed(candidates, now)
    kept: dict[date, Cells] = {}
    for month in candidates:
        if month in unclosed:
            continue
        with reporting_queries():
            cells = cells_of(Period(month, _last_day(month)))
        KeptMonth.objects.filter(month=month, token=tokens[month]).update(
            parts=_cells_to_json(cells), version=PARTS_VERSION, computed_at=now
        )
        kept[month] = cells
    return kept


def _live_ranges(period: Period, kept: set[date]) -> list[Period]:
    """The stretches of ``period`` not covered by kept months."""
    ranges: list[Period] = []
    start = end = None
    for month in period.months():
        if month in kept:
            if start is not None:
                ranges.append(Period(start, end))
                start = None
            continue
        if start is None:
            start = max(month, period.start)
        end = min(_last_day(month), period.end)
    if start is not None:
        ranges.append(Period(start, end))
    return ranges


def period_parts(period: Period, *, now: datetime | None = None) -> PeriodParts:
    """The parts of every figure of ``period``: kept months as stored, closed months not yet
    kept computed and stored, the rest (open months, partly covered months) computed live."""
    now = now or timezone.now()
    whole = [
        month
        for month in period.months()
        if month >= period.start and _last_day(month) <= period.end
    ]
    closable = [month for month in whole if closable_after(month) <= now]
    kept = {
        row.month: _cells_from_json(row.parts)
        for row in KeptMonth.objects.filter(
            month__in=closable, version=PARTS_VERSION, parts__isnull=False
        )
    }
    kept |= _keep_closed([month for month in closable if month not in kept], now)
    cell_sets = list(kept.values())
    for live in _live_ranges(period, set(kept)):
        with reporting_queries():
            cell_sets.append(cells_of(live))
    actor_types = dict(Actor.objects.values_list("pk", "actor_type_id"))
    return PeriodParts(period, cell_sets, actor_types)
