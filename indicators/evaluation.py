"""Evaluating indicators: every indicator (or a chosen few) totally, per county, per month or
per actor, with one query per distinct row set — not one per indicator — so the number of
queries depends on the number of indicators, never on the amount of data.

This is the only evaluation path; dashboards, exports, snapshots and the API all come here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import F
from django.db.models.functions import TruncMonth
from django.utils import timezone

from indicators.definitions import INDICATORS
from indicators.measures import Indicator, Measure, UnionMeasure
from indicators.sql import org_key
from indicators.values import Period
from routing.clock import STOCKHOLM


def _month_key(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(STOCKHOLM).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _union_sql(measure: UnionMeasure, county_code: str | None, grouped: bool):
    sqls, params = [], []
    for qs, county_field, org_field in measure.parts:
        if county_code:
            qs = qs.filter(**{county_field: county_code})
        columns = {"k": org_key(org_field)}
        if grouped:
            columns["g"] = F(county_field)
        sql, part_params = qs.order_by().values(**columns).query.sql_with_params()
        # Only compiled ORM SQL and fixed aliases are interpolated; values stay in params.
        sqls.append(f"SELECT {'u.g, ' if grouped else ''}u.k FROM ({sql}) u")  # noqa: S608
        params.extend(part_params)
    # UNION (not UNION ALL) removes duplicates across the sources: that is the deduplication.
    return " UNION ".join(sqls), params


def _union_count(measure: UnionMeasure, county_code: str | None) -> int:
    sql, params = _union_sql(measure, county_code, grouped=False)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) companies", params)  # noqa: S608
        return cursor.fetchone()[0]


def _union_count_by_county(measure: UnionMeasure) -> dict[str, int]:
    sql, params = _union_sql(measure, None, grouped=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g, COUNT(*) FROM ({sql}) companies GROUP BY g",  # noqa: S608
            params,
        )
        return dict(cursor.fetchall())


def _signature(measure: Measure, mode: str) -> tuple:
    """Measures with equal signatures read the same rows and group them the same way."""
    sql, params = measure.queryset.order_by().query.sql_with_params()
    grouping = {
        "total": (),
        "county": (measure.county_field,),
        "month": (measure.month_field, measure.month_is_date),
        "actor": (measure.actor_field,),
        "county_month": (measure.county_field, measure.month_field, measure.month_is_date),
        "county_actor": (measure.county_field, measure.actor_field),
    }[mode]
    return (measure.queryset.model, sql, tuple(map(repr, params)), measure.county_field, grouping)


def _evaluate(
    indicators, period: Period, mode: str, county_code: str | None = None, *, by_type=False
) -> dict[str, Any]:
    """Evaluate several indicators with one query per distinct row set, not one per indicator.

    Case-based indicators all read "real cases filed in the period"; asking for their
    aggregates together scans the case table once instead of once per indicator, which is what
    dominates at volume. Each aggregate is computed over exactly the rows it had alone, so every
    value is unchanged. Returns ``{key: value}`` (``mode="total"``) or ``{key: {group: value}}``;
    ``county_month``/``county_actor`` group by county as well, with ``(county, group)`` keys, so
    every county's monthly or per-actor figures come from one query instead of one per county.
    """
    result: dict[str, Any] = {}
    batches: dict[tuple, list[tuple[Indicator, Measure]]] = {}
    for ind in indicators:
        measure = ind.define(period)
        if measure is None or (
            isinstance(measure, UnionMeasure) and mode not in ("total", "county")
        ):
            result[ind.key] = None if mode == "total" else {}
        elif isinstance(measure, UnionMeasure):
            result[ind.key] = (
                _union_count(measure, county_code)
                if mode == "total"
                else _union_count_by_county(measure)
            )
        elif mode in ("actor", "county_actor") and not measure.actor_field:
            result[ind.key] = {}
        else:
            batches.setdefault(_signature(measure, mode), []).append((ind, measure))
    for members in batches.values():
        first = members[0][1]
        qs = first.queryset.order_by()
        if county_code:
            qs = qs.filter(**{first.county_field: county_code})
        aggregates = {
            f"a{n}_{name}": aggregate
            for n, (_ind, measure) in enumerate(members)
            for name, aggregate in measure.aggregates.items()
        }

        def split(row: dict, n: int, measure: Measure) -> dict:
            return {name: row[f"a{n}_{name}"] for name in measure.aggregates}

        if mode == "total":
            row = qs.aggregate(**aggregates)
            for n, (ind, measure) in enumerate(members):
                result[ind.key] = measure.finish(split(row, n, measure))
            continue
        if mode == "county":
            key_expression = F(first.county_field)
        elif mode in ("month", "county_month"):
            key_expression = (
                TruncMonth(first.month_field)
                if first.month_is_date
                else TruncMonth(first.month_field, tzinfo=STOCKHOLM)
            )
        else:
            path = first.actor_field
            if by_type:
                path = path.removesuffix("_id") + "__actor_type_id"
            key_expression = F(path)
        per_county = mode.startswith("county_")
        columns = {"group_key": key_expression}
        if per_county:
            columns["group_county"] = F(first.county_field)
        rows = list(qs.values(**columns).annotate(**aggregates))
        for n, (ind, measure) in enumerate(members):
            values = {}
            for row in rows:
                key = row["group_key"]
                if mode in ("month", "county_month"):
                    if key is None:
                        continue
                    key = _month_key(key)
                if per_county:
                    key = (row["group_county"], key)
                values[key] = measure.finish(split(row, n, measure))
            result[ind.key] = values
    return result


def compute_all(
    county_code: str | None, period_start: date, period_end: date, indicators=None
) -> dict[str, Any]:
    """Every indicator (or the given ones) for one county or the country; indicators over the
    same rows share one query."""
    indicators = indicators or INDICATORS
    values = _evaluate(indicators, Period(period_start, period_end), "total", county_code)
    return {ind.key: values[ind.key] for ind in indicators}


def compute_by_county(
    county_codes: list[str], period_start: date, period_end: date, indicators=None
) -> dict[str, dict[str, Any]]:
    """``{county_code: {key: value}}`` with one grouped query per distinct row set."""
    period = Period(period_start, period_end)
    indicators = indicators or INDICATORS
    grouped = _evaluate(indicators, period, "county")
    result: dict[str, dict[str, Any]] = {code: {} for code in county_codes}
    for ind in indicators:
        values = grouped[ind.key]
        empty = ind.empty(period)
        for code in county_codes:
            result[code][ind.key] = values.get(code, empty)
    return result


def compute_by_month(
    indicators, county_code: str | None, period_start: date, period_end: date
) -> dict[str, dict[date, Any]]:
    """``{key: {month: value}}``: every indicator per month."""
    return _evaluate(indicators, Period(period_start, period_end), "month", county_code)


def compute_by_actor(
    indicators, county_code: str | None, period_start: date, period_end: date, *, by_type=False
) -> dict[str, dict[Any, Any]]:
    """``{key: {actor: value}}``: per assigned actor (per actor type with ``by_type``)."""
    period = Period(period_start, period_end)
    return _evaluate(indicators, period, "actor", county_code, by_type=by_type)


def compute_by_county_month(
    indicators, period_start: date, period_end: date
) -> dict[str, dict[str, dict[date, Any]]]:
    """``{county: {key: {month: value}}}``: ``compute_by_month`` of every county at once."""
    grouped = _evaluate(indicators, Period(period_start, period_end), "county_month")
    return split_by_county(indicators, grouped)


def compute_by_county_actor(
    indicators, period_start: date, period_end: date
) -> dict[str, dict[str, dict[Any, Any]]]:
    """``{county: {key: {actor: value}}}``: ``compute_by_actor`` of every county at once."""
    grouped = _evaluate(indicators, Period(period_start, period_end), "county_actor")
    return split_by_county(indicators, grouped)


def split_by_county(indicators, grouped: dict[str, dict]) -> dict[str, dict[str, dict]]:
    """``{indicator: {(county, key): value}}`` -> ``{county: {indicator: {key: value}}}``."""
    result: dict[str, dict[str, dict]] = {}
    for ind in indicators:
        for (county, key), value in grouped[ind.key].items():
            result.setdefault(county, {i.key: {} for i in indicators})[ind.key][key] = value
    return result
