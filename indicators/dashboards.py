"""Everything a dashboard page shows, computed with a fixed number of grouped queries.

Views call one function here; nothing loops over cases (only over the 21 counties and over the
months of the period).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from indicators import definitions as d
from indicators.charts import bar_chart, line_chart
from indicators.maps import MapCounty, legend, render_map
from indicators.selectors import ACTOR_INDICATORS, actor_breakdown, case_workload, counties
from indicators.templatetags.indicator_tags import format_value

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
    if isinstance(value, d.Share):
        value = value.ratio
    # Missing values sort last in either direction.
    return (1, 0) if value is None else (0, value)


def comparison_rows(period: d.Period, sort: str, detail_url) -> tuple[list[dict], str]:
    """Headline figures of every county (one grouped query per column), sorted by ``sort``."""
    all_counties = counties()
    values = d.compute_by_county(
        [c.code for c in all_counties], period.start, period.end, COMPARISON
    )
    rows = [{"county": c, "values": values[c.code], "url": detail_url(c)} for c in all_counties]
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        sort, key = "name", "name"
    reverse_order = sort.startswith("-")
    present = [r for r in rows if _sort_key(r, key)[0] == 0]
    missing = [r for r in rows if _sort_key(r, key)[0] == 1]
    present.sort(key=lambda r: _sort_key(r, key), reverse=reverse_order)
    return present + missing, sort


def trend_charts(county_code: str | None, period: d.Period, where: str) -> list:
    """Monthly trend of the headline share and of cases received."""
    months = period.months()
    monthly = d.compute_by_month(
        [d.first_contact_in_time, d.cases_received], county_code, period.start, period.end
    )
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
    for group in d.Group:
        sections.append(
            {
                "label": d.GROUP_LABELS[group],
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


def national_dashboard(period: d.Period, sort: str) -> dict:
    with d.reporting_queries():
        return _national_dashboard(period, sort)


def _national_dashboard(period: d.Period, sort: str) -> dict:
    rows, sort = comparison_rows(period, sort, county_url)
    national = d.compute_all(None, period.start, period.end)
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
        "charts": trend_charts(None, period, _("hela landet")),
        "actors": actor_breakdown(None, period),
        "actor_columns": ACTOR_INDICATORS,
    }


def county_dashboard(user, county, period: d.Period) -> dict:
    with d.reporting_queries():
        return _county_dashboard(user, county, period)


def _county_dashboard(user, county, period: d.Period) -> dict:
    values = d.compute_all(county.code, period.start, period.end)
    return {
        "values": values,
        "headline": [(ind, values[ind.key]) for ind in COMPARISON],
        "sections": indicator_sections(values),
        "workload": case_workload(user, county.code),
        "charts": trend_charts(county.code, period, county.name),
        "actors": actor_breakdown(county.code, period),
        "actor_columns": ACTOR_INDICATORS,
    }
