"""Writes: create an experiment, record an assignment run (append-only, refused after start)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import ArmSpec, Assignment, AssignmentRun, Experiment
from evaluation.randomisation import allocate, switch_on_date
from evaluation.selectors import STRATA_BY_UNIT, experiment_units, local_day


class AssignmentRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def experiment_create(
    *,
    name: str,
    intervention: str,
    handler_notice: str,
    unit: str,
    arms: list[ArmSpec],
    strata: list[str],
    design: str,
    start_date: date,
    steps: int = 1,
    step_days: int = 30,
    created_by,
    now: datetime | None = None,
) -> Experiment:
    if len(arms) < 2 and design == Experiment.Design.PARALLEL:
        raise ValueError("a parallel design needs a control and at least one other arm")
    return Experiment.objects.create(
        name=name,
        intervention=intervention,
        handler_notice=handler_notice,
        unit=unit,
        arms=ArmSpec.list_to_json(arms),
        strata=[s for s in strata if s in STRATA_BY_UNIT[unit]],
        design=design,
        start_date=start_date,
        steps=steps if design == Experiment.Design.STEPPED_WEDGE else 1,
        step_days=step_days,
        created_by=created_by,
        created_at=now or timezone.now(),
    )


def assignment_run(
    *, experiment: Experiment, seed: int, user, now: datetime | None = None
) -> AssignmentRun:
    """Randomise and record the list. Allowed only before the start: after it, the recorded
    assignment stands (a database trigger also refuses changes to recorded rows)."""
    now = now or timezone.now()
    with transaction.atomic():
        # The row lock serialises two runs of the same experiment.
        locked = Experiment.objects.select_for_update().get(pk=experiment.pk)
        if local_day(now) >= locked.start_date:
            raise AssignmentRefused(
                _("Försöket har startat; tilldelningen kan inte längre ändras.")
            )
        units = experiment_units(locked)
        # Companies first seen after the run get their arm from the seed (see selectors), so
        # a company experiment may start with an empty list; counties and offices may not.
        if not units and locked.unit != Experiment.Unit.COMPANY:
            raise AssignmentRefused(_("Det finns inga enheter att fördela."))
        allocations = allocate(
            units,
            [(a.code, a.share) for a in locked.arm_specs],
            seed,
            stepped_wedge=locked.is_stepped_wedge,
            steps=locked.steps,
        )
        run = AssignmentRun.objects.create(
            experiment=locked, seed=seed, run_at=now, run_by=user, unit_count=len(allocations)
        )
        Assignment.objects.bulk_create(
            Assignment(
                run=run,
                experiment=locked,
                unit_key=a.key,
                unit_label=a.label[:200],
                arm=a.arm,
                stratum=a.stratum[:200],
                switch_on_date=switch_on_date(locked.start_date, a.step, locked.step_days),
                seed=seed,
                assigned_at=now,
                assigned_by=user,
            )
            for a in allocations
        )
    return run
