"""A demo experiment over the demo history: a stepped roll-out that started half a year ago."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from evaluation.models import ArmSpec, Experiment
from evaluation.selectors import day_start
from evaluation.services import assignment_run, experiment_create

DEMO_NAME = "Demo: proaktiv återkoppling inom 4 timmar"


def load_demo_experiment(*, seed: int = 2026) -> Experiment | None:
    """Create and assign the demo experiment once (None if it exists or nobody is national).

    The assignment is recorded as made a week before the start, as a real one must be.
    """
    if Experiment.objects.filter(name=DEMO_NAME).exists():
        return None
    national = (
        get_user_model()
        .objects.filter(staff_profile__role="national", is_active=True)
        .order_by("pk")
        .first()
    )
    if national is None:
        return None
    start = timezone.localdate() - timedelta(days=180)
    experiment = experiment_create(
        name=DEMO_NAME,
        intervention="Handläggaren ringer företaget inom fyra timmar i stället för en arbetsdag.",
        handler_notice="Försök: proaktiv återkoppling inom 4 timmar",
        unit=Experiment.Unit.COUNTY,
        arms=[
            ArmSpec("kontroll", "Kontroll", 1.0),
            ArmSpec("atgard", "Proaktiv återkoppling", 1.0),
        ],
        strata=["county_size"],
        design=Experiment.Design.STEPPED_WEDGE,
        start_date=start,
        steps=3,
        step_days=45,
        created_by=national,
        now=day_start(start - timedelta(days=14)),
    )
    assignment_run(
        experiment=experiment, seed=seed, user=national, now=day_start(start - timedelta(days=7))
    )
    return experiment
