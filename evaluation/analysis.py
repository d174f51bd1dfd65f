"""From the recorded assignment and the panel to the figures on the pages and in the export."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation import estimates as est
from evaluation.models import Assignment, Experiment
from evaluation.randomisation import permuted_groups
from evaluation.selectors import PanelRow
from indicators.values import MIN_SURVEY_ANSWERS

OUTCOMES = (
    ("contact_in_time", gettext_lazy("Kontakt med rätt aktör inom en arbetsdag")),
    ("right_help", gettext_lazy("Fick den hjälp de behövde (enkät)")),
    ("exported", gettext_lazy("Exporterar sex månader senare (enkät)")),
)
#: Survey outcomes come from few answers: cells under the dashboards' minimum are suppressed.
SURVEY_OUTCOMES = ("right_help", "exported")


@dataclass(frozen=True)
class UnitDesign:
    """The randomised units in a fixed order, their strata and group (arm or step)."""

    keys: list[str]
    strata: np.ndarray
    groups: list  # arm code (parallel) or switch-on step (stepped wedge)


def _step(experiment: Experiment, assignment_or_row) -> int:
    switch_on = assignment_or_row.switch_on_date
    return (switch_on - experiment.start_date).days // experiment.step_days


def unit_design(
    experiment: Experiment, assignments: list[Assignment], rows: list[PanelRow]
) -> UnitDesign:
    """Clusters: the recorded list. Companies: those seen in the panel (listed or hashed)."""
    if experiment.is_cluster:
        items = [(a.unit_key, a.stratum, a) for a in assignments]
    else:
        seen = {}
        for row in rows:
            seen.setdefault(row.unit_key, (row.unit_key, row.stratum, row))
        items = [seen[k] for k in sorted(seen)]
    if experiment.is_stepped_wedge:
        groups = [_step(experiment, item) for _k, _s, item in items]
    else:
        groups = [item.arm for _k, _s, item in items]
    return UnitDesign([k for k, _s, _i in items], np.array([s for _k, s, _i in items]), groups)


@dataclass
class OutcomeResult:
    key: str
    label: str
    comparison: str
    estimate: est.Estimate
    icc: float | None
    cases: int
    companies: int
    shares: dict[str, float | None] = field(default_factory=dict)


def _outcome_arrays(rows: list[PanelRow], key: str, index: dict[str, int]):
    selected = [r for r in rows if r.unit_key in index and getattr(r, key) is not None]
    unit_index = np.array([index[r.unit_key] for r in selected], dtype=int)
    period_index = np.array([r.period for r in selected], dtype=int)
    y = np.array([getattr(r, key) for r in selected], dtype=float)
    return selected, unit_index, period_index, y


def _comparisons(experiment: Experiment) -> list[tuple[str, str]]:
    """(label, arm) pairs: each arm against the control; a stepped wedge has one comparison."""
    specs = experiment.arm_specs
    if experiment.is_stepped_wedge:
        return [(_("Infört jämfört med ännu inte infört, inom samma period"), specs[-1].code)]
    control = specs[0]
    return [
        (_("%(arm)s jämfört med %(control)s") % {"arm": a.label, "control": control.label}, a.code)
        for a in specs[1:]
    ]


def estimate_report(
    experiment: Experiment,
    assignments: list[Assignment],
    rows: list[PanelRow],
    *,
    permutations: int = est.PERMUTATIONS,
    seed: int = 20190303,
) -> list[OutcomeResult]:
    """Per outcome and comparison: the estimate, its interval, units, companies and the ICC."""
    design = unit_design(experiment, assignments, rows)
    periods = experiment.steps + 1 if experiment.is_stepped_wedge else 1
    minimum = est.MIN_CLUSTERS_PER_GROUP if experiment.is_cluster else est.MIN_COMPANIES_PER_GROUP
    results = []
    for label_comparison, arm in _comparisons(experiment):
        if experiment.is_stepped_wedge:
            members = list(range(len(design.keys)))
        else:
            control = experiment.control_arm
            members = [i for i, g in enumerate(design.groups) if g in {control, arm}]
        keys = [design.keys[i] for i in members]
        index = {k: i for i, k in enumerate(keys)}
        strata = design.strata[members] if members else np.array([])
        groups = [design.groups[i] for i in members]
        t = np.arange(periods)
        if experiment.is_stepped_wedge:
            steps = np.array(groups, dtype=int)
            treated = t[None, :] >= steps[:, None]
        else:
            labels = np.array([g == arm for g in groups], dtype=int)
            treated = np.repeat(labels[:, None].astype(bool), periods, axis=1)
        for key, label in OUTCOMES:
            selected, unit_index, period_index, y = _outcome_arrays(rows, key, index)
            means, present = est.cells(unit_index, period_index, y, len(keys), periods)
            if experiment.is_cluster and len(keys):
                base = steps if experiment.is_stepped_wedge else labels
                draws = permuted_groups(base, strata, permutations, seed)
                if experiment.is_stepped_wedge:
                    stack = t[None, None, :] >= draws[:, :, None]
                else:
                    stack = np.repeat(draws[:, :, None].astype(bool), periods, axis=2)
                estimate = est.permutation_estimate(
                    means, present, treated, stack, min_per_group=minimum
                )
            else:
                estimate = est.normal_estimate(means, present, treated, min_per_group=minimum)
            results.append(
                OutcomeResult(
                    key=key,
                    label=str(label),
                    comparison=label_comparison,
                    estimate=estimate,
                    icc=est.intra_cluster_correlation(unit_index, y) if len(y) else None,
                    cases=len(selected),
                    companies=len({r.company for r in selected}),
                    shares=_raw_shares(selected, key),
                )
            )
    return results


def _raw_shares(selected: list[PanelRow], key: str) -> dict[str, float | None]:
    """Case-level share per group (treated / control); None for cells under the minimum."""
    out = {}
    for name, flag in (("treated", True), ("control", False)):
        values = [getattr(r, key) for r in selected if r.treated is flag]
        small = key in SURVEY_OUTCOMES and len(values) < MIN_SURVEY_ANSWERS
        out[name] = None if small or not values else sum(values) / len(values)
    return out


# --------------------------------------------------------------------------- balance

COVARIATES = (
    ("employees", gettext_lazy("Antal anställda")),
    ("export_experience", gettext_lazy("Exporterfarenhet")),
    ("county", gettext_lazy("Län")),
    ("topic", gettext_lazy("Ämne")),
)


@dataclass
class BalanceRow:
    covariate: str
    category: str
    shares: list[float | None]
    smd: list[float | None]


def row_group(experiment: Experiment, row: PanelRow) -> str:
    if experiment.is_stepped_wedge:
        return _("steg %(step)s") % {"step": _step(experiment, row)}
    return row.arm


def balance_table(
    experiment: Experiment, rows: list[PanelRow]
) -> tuple[list[str], list[int], list[BalanceRow]]:
    """Share of each covariate category per group and the SMD of each group against the first
    (the control arm, or the first step). Groups with too few cases show no figures."""
    group_names = sorted({row_group(experiment, r) for r in rows})
    control = experiment.control_arm
    if control in group_names:
        group_names.remove(control)
        group_names.insert(0, control)
    by_group = defaultdict(list)
    for r in rows:
        by_group[row_group(experiment, r)].append(r)
    sizes = [len(by_group[g]) for g in group_names]
    table = []
    for attribute, label in COVARIATES:
        categories = sorted({getattr(r, attribute) or "-" for r in rows})
        for category in categories:
            indicators = [
                np.array([(getattr(r, attribute) or "-") == category for r in by_group[g]], float)
                for g in group_names
            ]
            shares = [float(x.mean()) if len(x) >= MIN_SURVEY_ANSWERS else None for x in indicators]
            smd = [None] + [
                est.standardised_mean_difference(x, indicators[0])
                if len(x) >= MIN_SURVEY_ANSWERS and len(indicators[0]) >= MIN_SURVEY_ANSWERS
                else None
                for x in indicators[1:]
            ]
            table.append(BalanceRow(str(label), category, shares, smd))
    return group_names, sizes, table


def allocation_summary(assignments: list[Assignment]) -> list[dict]:
    """Units per stratum and arm/switch-on date (the CONSORT allocation box)."""
    counts = Counter((a.stratum, a.arm, a.switch_on_date) for a in assignments)
    return [
        {"stratum": s or "–", "arm": arm, "switch_on_date": day, "units": n}
        for (s, arm, day), n in sorted(
            counts.items(), key=lambda x: (x[0][0], x[0][1], str(x[0][2]))
        )
    ]


def consort_flow(
    experiment: Experiment, assignments: list[Assignment], rows: list[PanelRow]
) -> list[dict]:
    """The CONSORT flow per arm (per step for a stepped wedge): units allocated, units with
    cases since the start, cases analysed and companies behind them."""

    def group_of(item) -> str:
        if experiment.is_stepped_wedge and item.switch_on_date:
            return _("steg %(step)s") % {"step": _step(experiment, item)}
        return item.arm

    allocated = Counter(group_of(a) for a in assignments)
    cases = defaultdict(list)
    for r in rows:
        cases[group_of(r)].append(r)
    groups = sorted(set(allocated) | set(cases))
    return [
        {
            "group": g,
            "allocated": allocated.get(g, 0),
            "with_cases": len({r.unit_key for r in cases[g]}),
            "cases": len(cases[g]),
            "companies": len({r.company for r in cases[g]}),
        }
        for g in groups
    ]


# --------------------------------------------------------------------------- export

PANEL_HEADERS = [
    "company",
    "unit",
    "arm",
    "stratum",
    "assigned_date",
    "switch_on_date",
    "treated",
    "period",
    "question_date",
    "county",
    "employees",
    "export_experience",
    "topic",
    "channel",
    "contact_in_time",
    "contact_observed_date",
    "right_help",
    "right_help_observed_date",
    "exported",
    "exported_observed_date",
]


def _flag(value: float | None) -> str:
    return "" if value is None else str(int(value))


def _iso(value) -> str:
    return value.isoformat() if value else ""


def panel_csv_rows(rows: list[PanelRow]) -> Iterable[list[str]]:
    """Pseudonymised rows; survey outcomes of (arm, county) cells with fewer answers than the
    dashboards' minimum are blanked, so no single company's answer can be read off."""
    answers = Counter()
    for r in rows:
        for key in SURVEY_OUTCOMES:
            if getattr(r, key) is not None:
                answers[(r.arm, r.county, key)] += 1

    def survey(r: PanelRow, key: str) -> tuple[str, str]:
        if answers[(r.arm, r.county, key)] < MIN_SURVEY_ANSWERS:
            return "", ""
        return _flag(getattr(r, key)), _iso(getattr(r, f"{key}_observed"))

    for r in rows:
        yield [
            r.company,
            r.unit_key,
            r.arm,
            r.stratum,
            _iso(r.assigned_on),
            _iso(r.switch_on_date),
            "1" if r.treated else "0",
            str(r.period),
            _iso(r.case_date),
            r.county,
            r.employees,
            r.export_experience,
            r.topic,
            r.channel,
            _flag(r.contact_in_time),
            _iso(r.contact_observed),
            *survey(r, "right_help"),
            *survey(r, "exported"),
        ]


def panel_csv(rows: list[PanelRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(PANEL_HEADERS)
    writer.writerows(panel_csv_rows(rows))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
