"""Reads: experiments, the units to randomise, each case's arm, and the evaluation panel."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import CharField, DateTimeField, OuterRef, QuerySet, Subquery
from django.utils import timezone

from evaluation.models import Assignment, AssignmentRun, Experiment
from evaluation.randomisation import Unit, switch_on_date, unlisted_group
from indicators.exports import pseudonym
from indicators.models import SurveyResponse
from regions.models import County, ExportCentre, Office
from routing.clock import STOCKHOLM
from routing.models import Case

#: Cases of the year before the start describe the units (strata and the balance table).
BASELINE_DAYS = 365

#: The covariates each unit can be stratified on.
STRATA_BY_UNIT = {
    Experiment.Unit.COUNTY: ("county_size", "front_door"),
    Experiment.Unit.OFFICE: ("actor_type", "county", "county_size"),
    Experiment.Unit.COMPANY: ("employees", "export_experience", "county"),
}


def latest_run(experiment: Experiment) -> AssignmentRun | None:
    return experiment.runs.order_by("-run_at", "-id").first()


def run_assignments(run: AssignmentRun | None) -> list[Assignment]:
    if run is None:
        return []
    return list(run.assignments.order_by("switch_on_date", "arm", "stratum", "unit_key"))


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()


# --------------------------------------------------------------------------- units


def _baseline_cases(experiment: Experiment) -> QuerySet[Case]:
    start = day_start(experiment.start_date)
    return Case.objects.real().filter(
        created_at__gte=start - timedelta(days=BASELINE_DAYS), created_at__lt=start
    )


def _county_sizes(experiment: Experiment) -> dict[str, str]:
    """ "stor"/"liten": a county's case volume in the baseline year against the median."""
    volume = Counter(dict.fromkeys(County.objects.values_list("code", flat=True), 0))
    volume.update(_baseline_cases(experiment).values_list("county_id", flat=True))
    ordered = sorted(volume.values())
    median = ordered[len(ordered) // 2] if ordered else 0
    return {code: ("stor" if n >= median and n > 0 else "liten") for code, n in volume.items()}


def experiment_units(experiment: Experiment) -> list[Unit]:
    """Every unit that takes part, labelled with its stratum (the chosen covariates)."""
    strata = [s for s in experiment.strata if s in STRATA_BY_UNIT[experiment.unit]]
    sizes = _county_sizes(experiment) if "county_size" in strata else {}

    def stratum(values: dict[str, str]) -> str:
        return " | ".join(f"{name}={values.get(name) or '-'}" for name in strata)

    if experiment.unit == Experiment.Unit.COUNTY:
        doors = dict(ExportCentre.objects.values_list("county_id", "front_door_actor__actor_type"))
        return [
            Unit(
                c.code,
                c.name,
                stratum({"county_size": sizes.get(c.code), "front_door": doors.get(c.code)}),
            )
            for c in County.objects.order_by("code")
        ]
    if experiment.unit == Experiment.Unit.OFFICE:
        offices = Office.objects.select_related("actor").order_by("pk")
        return [
            Unit(
                str(o.pk),
                o.name,
                stratum(
                    {
                        "actor_type": o.actor.actor_type_id,
                        "county": o.home_county_id,
                        "county_size": sizes.get(o.home_county_id),
                    }
                ),
            )
            for o in offices
        ]
    latest: dict[str, dict] = {}
    rows = (
        _baseline_cases(experiment)
        .order_by("created_at")
        .values("org_number", "employees", "export_experience", "county_id")
    )
    for row in rows:
        latest[pseudonym(row["org_number"])] = row
    return [
        Unit(
            key,
            key,
            stratum(
                {
                    "employees": row["employees"],
                    "export_experience": row["export_experience"],
                    "county": row["county_id"],
                }
            ),
        )
        for key, row in sorted(latest.items())
    ]


# --------------------------------------------------------------------------- a case's arm


@dataclass(frozen=True)
class CaseArm:
    experiment: Experiment
    arm: str
    treated: bool
    switch_on_date: date | None


def unit_key_for_case(experiment: Experiment, case: Case) -> str:
    if experiment.unit == Experiment.Unit.COUNTY:
        return case.county_id or ""
    if experiment.unit == Experiment.Unit.OFFICE:
        return str(case.office_id or "")
    return pseudonym(case.org_number)


def _arm_from(experiment: Experiment, assignment: Assignment | None, key: str, seed: int):
    """(arm, switch-on date) of a unit; companies missing from the list by the seeded hash."""
    if assignment is not None:
        return assignment.arm, assignment.switch_on_date
    if experiment.unit != Experiment.Unit.COMPANY:
        return None, None
    specs = experiment.arm_specs
    if experiment.is_stepped_wedge:
        step = unlisted_group(seed, key, [1.0] * experiment.steps) + 1
        return specs[-1].code, switch_on_date(experiment.start_date, step, experiment.step_days)
    return specs[unlisted_group(seed, key, [a.share for a in specs])].code, None


def arm_for_case(case: Case, experiment: Experiment) -> CaseArm | None:
    """The case's arm in ``experiment`` (read-only), or None when the case takes no part:
    mystery-shopper cases, cases before the start, units without a recorded assignment."""
    if case.is_test or local_day(case.created_at) < experiment.start_date:
        return None
    run = latest_run(experiment)
    if run is None:
        return None
    key = unit_key_for_case(experiment, case)
    assignment = run.assignments.filter(unit_key=key).first()
    arm, switch_on = _arm_from(experiment, assignment, key, run.seed)
    if arm is None:
        return None
    if experiment.is_stepped_wedge:
        treated = switch_on is not None and local_day(case.created_at) >= switch_on
    else:
        treated = arm != experiment.control_arm
    return CaseArm(experiment, arm, treated, switch_on)


def arms_for_case(case: Case) -> list[CaseArm]:
    """The case's arm in every experiment that has started and been assigned."""
    if case.is_test:
        return []
    started = Experiment.objects.filter(
        start_date__lte=local_day(case.created_at), runs__isnull=False
    ).distinct()
    return [arm for e in started if (arm := arm_for_case(case, e)) is not None]


def test_cases_since_start(experiment: Experiment) -> int:
    """Mystery-shopper cases filed since the start: excluded by design, reported in the flow."""
    return Case.objects.filter(
        is_test=True, created_at__gte=day_start(experiment.start_date)
    ).count()


# --------------------------------------------------------------------------- panel


@dataclass(frozen=True)
class PanelRow:
    """One real case of a participating unit, with its arm, covariates and outcomes."""

    company: str
    unit_key: str
    arm: str
    stratum: str
    assigned_on: date
    switch_on_date: date | None
    treated: bool
    period: int
    case_date: date
    county: str
    employees: str
    export_experience: str
    topic: str
    channel: str
    contact_in_time: float | None
    contact_observed: date | None
    right_help: float | None
    right_help_observed: date | None
    exported: float | None
    exported_observed: date | None


def _survey(kind: str, field: str, output=None):
    return Subquery(
        SurveyResponse.objects.filter(case=OuterRef("pk"), kind=kind).values(field)[:1],
        output_field=output or CharField(),
    )


def _period(experiment: Experiment, day: date) -> int:
    if not experiment.is_stepped_wedge:
        return 0
    return min(max((day - experiment.start_date).days // experiment.step_days, 0), experiment.steps)


def evaluation_panel(
    experiment: Experiment, *, since: date | None = None, now: datetime | None = None
) -> list[PanelRow]:
    """Rows for every real case of an assigned unit filed from ``since`` (default: the start).

    Outcomes: contact in time (decided once contact is made or the deadline has passed), right
    help ("Ja" in the follow-up survey) and exported ("Ja, vi exporterar" six months later).
    """
    run = latest_run(experiment)
    if run is None:
        return []
    now = now or timezone.now()
    since = since or experiment.start_date
    assignments = {a.unit_key: a for a in run.assignments.all()}
    cases = (
        Case.objects.real()
        .filter(created_at__gte=day_start(since))
        .order_by("created_at", "pk")
        .annotate(
            s_help=_survey("followup", "got_help"),
            s_at=_survey("followup", "answered_at", DateTimeField()),
            e_went=_survey("effect", "went_on"),
            e_at=_survey("effect", "answered_at", DateTimeField()),
        )
        .only(
            "county_id",
            "office_id",
            "org_number",
            "created_at",
            "first_contact_at",
            "first_contact_channel",
            "original_deadline_at",
            "employees",
            "export_experience",
            "topic_id",
            "is_test",
        )
    )
    rows = []
    for case in cases.iterator(chunk_size=2000):
        key = unit_key_for_case(experiment, case)
        assignment = assignments.get(key)
        arm, switch_on = _arm_from(experiment, assignment, key, run.seed)
        if arm is None:
            continue
        day = local_day(case.created_at)
        if experiment.is_stepped_wedge:
            treated = switch_on is not None and day >= switch_on
        else:
            treated = arm != experiment.control_arm
        if case.first_contact_at is not None:
            in_time = 1.0 if case.first_contact_at <= case.original_deadline_at else 0.0
            contact_day = local_day(case.first_contact_at)
        elif case.original_deadline_at <= now:
            in_time, contact_day = 0.0, local_day(case.original_deadline_at)
        else:
            in_time, contact_day = None, None
        rows.append(
            PanelRow(
                company=pseudonym(case.org_number),
                unit_key=key,
                arm=arm,
                stratum=assignment.stratum if assignment else "",
                assigned_on=local_day(run.run_at),
                switch_on_date=switch_on,
                treated=treated,
                period=_period(experiment, day),
                case_date=day,
                county=case.county_id,
                employees=case.employees,
                export_experience=case.export_experience,
                topic=case.topic_id or "",
                channel=case.first_contact_channel,
                contact_in_time=in_time,
                contact_observed=contact_day,
                right_help=None if not case.s_help else float(case.s_help == "yes"),
                right_help_observed=local_day(case.s_at) if case.s_at else None,
                exported=None if not case.e_went else float(case.e_went == "exporting"),
                exported_observed=local_day(case.e_at) if case.e_at else None,
            )
        )
    return rows
