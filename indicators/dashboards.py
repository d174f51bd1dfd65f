"""Everything a dashboard page shows, read from the period's snapshot (``indicators.snapshots``).

Views call one function here; the figures come from ``snapshot_for(period)`` (computed with a
fixed number of grouped queries when there is no fresh one); only "just now" figures such as
the open cases are read live. The snapshot holds every county: the functions here only take
what the view, which checked access, asks for.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from indicators import definitions as d
from indicators.charts import bar_chart, line_chart
from indicators.maps import MapCounty, legend, render_map
from indicators.selectors import ACTOR_INDICATORS, case_workload, counties
from indicators.snapshots import SnapshotData, snapshot_for
from indicators.templatetags.indicator_tags import format_value
from indicators.values import GROUP_LABELS, Group, Period, Share

COMPARISON = (
    d.cases_received,
    d.first_contact_in_time,
    d.median_hours_to_first_contact,
    d.survey_right_actor_in_time,
    d.unique_companies,
)
SORT_KEYS = {"name", *(ind.key for ind in COMPARISON)}


def _sort_key(row: dict, key: str):
    if key == "name":
        return (0, row["county"].name)
    value = row["values"][key]
    if isinstance(value, Share):
        value = value.ratio
    # Missing values sort last in either direction.
    return (1, 0) if value is None else (0, value)


def comparison_rows(snapshot: SnapshotData, sort: str, detail_url) -> tuple[list[dict], str]:
    """Headline figures of every county (everyone with dashboard access sees these), sorted by
    ``sort``."""
    rows = []
    for county in counties():
        values = snapshot.values(county.code)
        rows.append(
            {
                "county": county,
                "values": {ind.key: values[ind.key] for ind in COMPARISON},
                "url": detail_url(county),
            }
        )
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        sort, key = "name", "name"
    reverse_order = sort.startswith("-")
    present = [r for r in rows if _sort_key(r, key)[0] == 0]
    missing = [r for r in rows if _sort_key(r, key)[0] == 1]
    present.sort(key=lambda r: _sort_key(r, key), reverse=reverse_order)
    return present + missing, sort


def trend_charts(snapshot: SnapshotData, county_code: str | None, where: str) -> list:
    """Monthly trend of the headline share and of cases received."""
    period = snapshot.period
    months = period.months()
    monthly = snapshot.monthly(county_code)
    shares = monthly[d.first_contact_in_time.key]
    cases = monthly[d.cases_received.key]
    labels = [date_format(m, "M Y") for m in months]
    share_points = [
        (label, shares[m].percent if m in shares else None)
        for label, m in zip(labels, months, strict=True)
    ]
    case_items = [(label, cases.get(m, 0)) for label, m in zip(labels, months, strict=True)]
    month_header = _("Månad")
    return [
        line_chart(
            title=_("Första kontakt inom en arbetsdag per månad, %(where)s") % {"where": where},
            description=_("Andel ärenden i procent per månad då frågan kom in; målet är 80 %."),
            points=share_points,
            value_header=_("Andel inom en arbetsdag"),
            label_header=month_header,
            fmt=lambda v: "–" if v is None else f"{v:.0f} %",
            max_value=100,
            goal=80,
            goal_label=_("mål 80 %"),
        ),
        bar_chart(
            title=_("Inkomna frågor per månad, %(where)s") % {"where": where},
            description=_("Antal ärenden per månad då frågan kom in (testärenden ej medräknade)."),
            items=case_items,
            value_header=_("Inkomna frågor"),
            label_header=month_header,
            fmt=lambda v: "–" if v is None else f"{v:.0f}",
        ),
    ]


def indicator_sections(values: dict) -> list[dict]:
    """All indicators grouped as in the government's report: mandatory, voluntary, outcome."""
    sections = []
    for group in Group:
        sections.append(
            {
                "label": GROUP_LABELS[group],
                "rows": [
                    {"indicator": ind, "value": values[ind.key]}
                    for ind in d.INDICATORS
                    if ind.group == group
                ],
            }
        )
    return sections


def county_url(county) -> str:
    return reverse("county-dashboard", args=[county.code])


def computed_at(snapshot: SnapshotData) -> dict:
    return {"computed_at": snapshot.computed_at}


def national_dashboard(period: Period, sort: str) -> dict:
    snapshot = snapshot_for(period)
    rows, sort = comparison_rows(snapshot, sort, county_url)
    national = snapshot.values(None)
    map_counties = [
        MapCounty(
            slug=row["county"].slug,
            name=row["county"].name,
            ratio=row["values"]["first_contact_in_time"].ratio,
            value_text=format_value(row["values"]["first_contact_in_time"]),
            url=row["url"],
        )
        for row in rows
    ]
    return {
        "rows": rows,
        "sort": sort,
        "comparison": COMPARISON,
        "national": national,
        "sections": indicator_sections(national),
        "map": render_map(
            map_counties, title=_("Andel första kontakter inom en arbetsdag per län")
        ),
        "legend": legend(),
        "charts": trend_charts(snapshot, None, _("hela landet")),
        "actors": snapshot.actors(None),
        "actor_columns": ACTOR_INDICATORS,
        **computed_at(snapshot),
    }


def county_dashboard(viewer, county, period: Period, *, sort: str | None = None) -> dict:
    """The detail of ``county`` (the caller has checked ``viewer`` may see it); with ``sort``
    also every county's headline figures for the comparison table."""
    snapshot = snapshot_for(period)
    values = snapshot.values(county.code)
    context = {
        "values": values,
        "headline": [(ind, values[ind.key]) for ind in COMPARISON],
        "sections": indicator_sections(values),
        # "Just now", not for the period: always live.
        "workload": case_workload(viewer, county.code),
        "charts": trend_charts(snapshot, county.code, county.name),
        "actors": snapshot.actors(county.code),
        "actor_columns": ACTOR_INDICATORS,
        **computed_at(snapshot),
    }
    if sort is not None:
        rows, sort = comparison_rows(snapshot, sort, lambda c: None)
        context.update({"rows": rows, "sort": sort, "comparison": COMPARISON})
    return context
