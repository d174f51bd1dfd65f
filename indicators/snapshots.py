"""Indicator snapshots: every figure of a period, computed at once and served from the database.

The dashboards, exports and API read ``snapshot_for(period)``; the preset periods are
refreshed by the beat task ``indicators.refresh_snapshots`` so a page normally only reads one
row. A period without a fresh snapshot (a custom range, or the beat not running) is computed
live, stored and served, so it is slow only the first time.

The beat's refresh reads the closed months of a period from their kept parts and computes only
the months that can still change (``indicators.kept_months``); a page that has to compute a
missing snapshot itself computes it from scratch, which needs less memory.

What is stored is decided here only (``compute_payload``); ``SnapshotData`` gives it back as
the same values the definitions return (``Share``, ``int``, ``float``, ``Decimal``, ``None``).
The payload holds every county: callers scope what they show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from indicators import definitions as d
from indicators import kept_months
from indicators.evaluation import (
    compute_all,
    compute_by_actor,
    compute_by_county,
    compute_by_county_actor,
    compute_by_county_month,
    compute_by_month,
)
from indicators.models import IndicatorSnapshot
from indicators.selectors import (
    ACTOR_INDICATORS,
    PRESETS,
    TREND_INDICATORS,
    actor_names,
    actor_rows,
    counties,
    period_for_preset,
)
from indicators.sql import reporting_queries
from indicators.values import Period, value_from_json, value_to_json

# 2: the per-channel indicators; older payloads lack their keys and are recomputed.
PAYLOAD_VERSION = 2
#: Snapshots not refreshed for this long are deleted by the refresh task (old custom ranges,
#: yesterday's "this year").
RETENTION = timedelta(days=2)


def default_max_age() -> timedelta:
    return settings.SNAPSHOT_MAX_AGE


# --------------------------------------------------------------------------- payload


def _values(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value_to_json(value) for key, value in values.items()}


def _monthly(columns: dict[str, dict[date, Any]]) -> dict[str, dict[str, Any]]:
    return {
        key: {month.isoformat(): value_to_json(v) for month, v in values.items()}
        for key, values in columns.items()
    }


def _actors(rows: list[dict]) -> list[dict]:
    return [{"name": row["name"], "values": _values(row["values"])} for row in rows]


def compute_payload(period: Period, *, use_kept_months: bool = True) -> dict[str, Any]:
    """Everything the dashboards, exports and API show for ``period``, for all counties and the
    country, with the existing definitions (a fixed number of grouped queries).

    With ``use_kept_months`` (PostgreSQL) the closed months come from their kept parts and only
    the others are read (``indicators.kept_months``); without, every figure is computed from
    scratch. Both give the same payload.
    """
    codes = [c.code for c in counties()]
    if use_kept_months and kept_months.in_use():
        parts = kept_months.period_parts(period)
        national = parts.compute_all()
        per_county = parts.compute_by_county(codes)
        national_months = parts.compute_by_month(TREND_INDICATORS)
        county_months = parts.compute_by_county_month(TREND_INDICATORS)
        type_columns = parts.compute_by_actor_type(ACTOR_INDICATORS)
        county_actor_columns = parts.compute_by_county_actor(ACTOR_INDICATORS)
    else:
        with reporting_queries():
            national = compute_all(None, period.start, period.end)
            per_county = compute_by_county(codes, period.start, period.end)
            national_months = compute_by_month(TREND_INDICATORS, None, period.start, period.end)
            county_months = compute_by_county_month(TREND_INDICATORS, period.start, period.end)
            type_columns = compute_by_actor(
                ACTOR_INDICATORS, None, period.start, period.end, by_type=True
            )
            county_actor_columns = compute_by_county_actor(
                ACTOR_INDICATORS, period.start, period.end
            )
    type_names = actor_names(type_columns, by_type=True)
    names = actor_names(*county_actor_columns.values(), by_type=False)
    empty_months = {ind.key: {} for ind in TREND_INDICATORS}
    return {
        "version": PAYLOAD_VERSION,
        "national": _values(national),
        "counties": {code: _values(per_county[code]) for code in codes},
        "national_monthly": _monthly(national_months),
        "county_monthly": {code: _monthly(county_months.get(code, empty_months)) for code in codes},
        "national_actors": _actors(actor_rows(type_columns, period, type_names)),
        "county_actors": {
            code: _actors(actor_rows(county_actor_columns.get(code, {}), period, names))
            for code in codes
        },
    }


@dataclass(frozen=True)
class SnapshotData:
    """A snapshot's payload read back as indicator values. ``county=None`` is the country."""

    period: Period
    computed_at: datetime
    payload: dict[str, Any]

    @classmethod
    def of(cls, snapshot: IndicatorSnapshot) -> SnapshotData:
        return cls(
            Period(snapshot.period_start, snapshot.period_end),
            snapshot.computed_at,
            snapshot.payload,
        )

    def values(self, county: str | None) -> dict[str, Any]:
        """``{key: value}`` of every indicator; an unknown county gets the empty values."""
        if county is None:
            stored = self.payload["national"]
        else:
            stored = self.payload["counties"].get(county)
            if stored is None:
                return {ind.key: ind.empty(self.period) for ind in d.INDICATORS}
        return {key: value_from_json(value) for key, value in stored.items()}

    def monthly(self, county: str | None) -> dict[str, dict[date, Any]]:
        """``{key: {month: value}}`` of the trend indicators, as ``compute_by_month``."""
        if county is None:
            stored = self.payload["national_monthly"]
        else:
            stored = self.payload["county_monthly"].get(county, {})
        return {
            ind.key: {
                date.fromisoformat(month): value_from_json(value)
                for month, value in stored.get(ind.key, {}).items()
            }
            for ind in TREND_INDICATORS
        }

    def actors(self, county: str | None) -> list[dict]:
        """Rows per actor type (country) or per actor (county), as ``actor_breakdown``."""
        if county is None:
            stored = self.payload["national_actors"]
        else:
            stored = self.payload["county_actors"].get(county, [])
        return [
            {
                "name": row["name"],
                "values": {k: value_from_json(v) for k, v in row["values"].items()},
            }
            for row in stored
        ]


# --------------------------------------------------------------------------- services


def snapshot_refresh(period: Period, *, use_kept_months: bool = True) -> IndicatorSnapshot:
    """Compute every figure of ``period`` now and store it (replacing an older snapshot).

    Safe to run concurrently for the same period: the unique period makes the last writer win,
    and both wrote a complete, correct payload.
    """
    started = time.perf_counter()
    payload = compute_payload(period, use_kept_months=use_kept_months)
    duration_ms = round((time.perf_counter() - started) * 1000)
    snapshot, _created = IndicatorSnapshot.objects.update_or_create(
        period_start=period.start,
        period_end=period.end,
        defaults={
            "computed_at": timezone.now(),
            "duration_ms": duration_ms,
            "payload": payload,
        },
    )
    return snapshot


def snapshot_for(period: Period, *, max_age: timedelta | None = None) -> SnapshotData:
    """The figures of ``period``: a snapshot younger than ``max_age`` (default
    ``settings.SNAPSHOT_MAX_AGE``, 15 minutes), else computed now, stored and returned."""
    age = default_max_age() if max_age is None else max_age
    now = timezone.now()
    snapshot = IndicatorSnapshot.objects.filter(
        period_start=period.start,
        period_end=period.end,
        computed_at__gte=now - age,
        # A snapshot "from the future" (a clock set back) is not trusted either.
        computed_at__lte=now,
    ).first()
    if snapshot is None or snapshot.payload.get("version") != PAYLOAD_VERSION:
        # In a request, from scratch: merging a year's kept company keys costs about 130 MB at
        # 1M cases, beyond what a page may use; the beat's refresh keeps the months.
        snapshot = snapshot_refresh(period, use_kept_months=False)
    return SnapshotData.of(snapshot)


def preset_periods(today: date | None = None) -> list[Period]:
    """The periods the period picker offers (deduplicated, in picker order)."""
    periods: list[Period] = []
    for preset in PRESETS:
        period = period_for_preset(preset, today)
        if period not in periods:
            periods.append(period)
    return periods


def snapshots_refresh_presets() -> list[IndicatorSnapshot]:
    """Refresh the preset periods and drop snapshots nobody refreshed for ``RETENTION``."""
    refreshed = [snapshot_refresh(period) for period in preset_periods()]
    IndicatorSnapshot.objects.filter(computed_at__lt=timezone.now() - RETENTION).delete()
    return refreshed
