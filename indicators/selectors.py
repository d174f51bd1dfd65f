"""Reads for dashboards, exports and activity lists, scoped through indicators.access.

``viewer`` is the request's scope (``request.scope``) or a user."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from indicators import definitions as d
from indicators.access import mystery_tests_visible_to
from indicators.evaluation import compute_by_actor
from indicators.values import Period, Share
from regions.models import Actor, ActorType, County
from routing.deadlines import awaiting_contact_q, overdue_q
from routing.models import Case

# --------------------------------------------------------------------------- periods

PRESETS = ("this_year", "last_year", "last_12_months")


def period_for_preset(preset: str, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    if preset == "this_year":
        return Period(date(today.year, 1, 1), today)
    if preset == "last_year":
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    if preset == "last_12_months":
        start = today.replace(day=1)
        for _ in range(11):
            start = (start - timedelta(days=1)).replace(day=1)
        return Period(start, today)
    raise ValueError(preset)


def default_period() -> Period:
    return period_for_preset("last_12_months")


# --------------------------------------------------------------------------- dashboard reads


def counties() -> list[County]:
    return list(County.objects.order_by("code"))


def case_workload(viewer, county_code: str) -> dict[str, int]:
    """Open, waiting for contact and overdue real cases right now (``routing.deadlines``)."""
    now = timezone.now()
    qs = Case.objects.visible_to(viewer).real().open().filter(county_id=county_code)
    return qs.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=overdue_q(now)),
        waiting=Count("pk", filter=awaiting_contact_q()),
    )


ACTOR_INDICATORS = (
    d.cases_received,
    d.first_contact_in_time,
    d.median_hours_to_first_contact,
    d.escalations_level_2,
    d.cases_moved_to_another_actor,
)


#: The monthly trends on every dashboard.
TREND_INDICATORS = (d.first_contact_in_time, d.cases_received, d.cases_moved_to_another_actor)


def actor_breakdown(county_code: str | None, period: Period) -> list[dict]:
    """Rows per actor (in a county) or per actor type (nationally), one query per row set."""
    by_type = county_code is None
    columns = compute_by_actor(
        ACTOR_INDICATORS, county_code, period.start, period.end, by_type=by_type
    )
    return actor_rows(columns, period, actor_names(columns, by_type=by_type))


def actor_names(*columns: dict[str, dict], by_type: bool) -> dict:
    """Names of the actors (or actor types) keyed in any of the ``{key: {actor: value}}``."""
    keys = {k for c in columns for values in c.values() for k in values if k}
    model = ActorType if by_type else Actor
    return dict(model.objects.filter(pk__in=keys).values_list("pk", "name"))


def actor_rows(columns: dict[str, dict], period: Period, names: dict) -> list[dict]:
    """``{key: {actor: value}}`` as sorted table rows (most cases first, unassigned last)."""
    keys = set().union(*(values.keys() for values in columns.values()))
    rows = []
    for key in keys:
        rows.append(
            {
                "name": names.get(key) if key else None,
                "values": {
                    ind.key: columns.get(ind.key, {}).get(key, ind.empty(period))
                    for ind in ACTOR_INDICATORS
                },
            }
        )
    rows.sort(key=lambda r: (r["name"] is None, -r["values"]["cases_received"], r["name"] or ""))
    return rows


# --------------------------------------------------------------------------- activities


def actors_for_counties(county_codes) -> QuerySet[Actor]:
    """Actors with an office serving any of the counties (the partnership there)."""
    return (
        Actor.objects.filter(offices__counties_served__code__in=list(county_codes))
        .select_related("actor_type")
        .distinct()
    )


# --------------------------------------------------------------------------- mystery shopper


BASELINES = ((2016, 0.52), (2017, 0.40))


def mystery_report(viewer) -> dict:
    """Per county and per expected actor: tests where the right actor made first contact in
    time, against the audit's baselines. Undecided tests (clock still running) are left out.

    "Right actor" = the actor type of the person who recorded first contact (their office's
    actor), falling back to the case's assigned actor when that is unknown.
    """
    from django.db.models import F
    from django.db.models.functions import Coalesce

    now = timezone.now()
    qs = mystery_tests_visible_to(viewer).annotate(
        contact_type=Coalesce(
            F("case__first_contact_by__staff_profile__office__actor__actor_type_id"),
            F("case__assigned_actor__actor_type_id"),
        )
    )
    decided = Q(case__first_contact_at__isnull=False) | Q(case__original_deadline_at__lte=now)
    success = Q(case__first_contact_at__lte=F("case__original_deadline_at")) & Q(
        contact_type=F("expected_actor_type_id")
    )
    aggregates = {
        "tests": Count("pk"),
        "decided": Count("pk", filter=decided),
        "success": Count("pk", filter=success),
    }

    def finish(row):
        share = Share(row["success"], row["decided"])
        return {**row, "share": share, "baselines": _vs_baselines(share)}

    total = finish(qs.order_by().aggregate(**aggregates))
    county_names = dict(County.objects.values_list("code", "name"))
    type_names = dict(ActorType.objects.values_list("code", "name"))
    by_county = [
        {"name": county_names.get(row["county_id"]), **finish(row)}
        for row in qs.order_by().values("county_id").annotate(**aggregates).order_by("county_id")
    ]
    by_actor = [
        {"name": type_names.get(row["expected_actor_type_id"]), **finish(row)}
        for row in qs.order_by()
        .values("expected_actor_type_id")
        .annotate(**aggregates)
        .order_by("expected_actor_type_id")
    ]
    return {"total": total, "by_county": by_county, "by_actor": by_actor, "baselines": BASELINES}


def _vs_baselines(share: Share) -> list[float | None]:
    """Difference in percentage points against each baseline year."""
    if share.ratio is None:
        return [None for _ in BASELINES]
    return [round((share.ratio - base) * 100, 1) for _year, base in BASELINES]
