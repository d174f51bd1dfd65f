"""Experiments built through the service, the way national staff create them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evaluation.models import ArmSpec, Experiment
from evaluation.services import experiment_create

ARMS = [ArmSpec("kontroll", "Kontroll", 1.0), ArmSpec("atgard", "Proaktiv återkoppling", 1.0)]


@pytest.fixture
def make_experiment(people):
    def make(**overrides) -> Experiment:
        values = {
            "name": "Proaktiv återkoppling",
            "intervention": "Handläggaren ringer upp inom 4 timmar.",
            "handler_notice": "Försök: proaktiv återkoppling inom 4 timmar",
            "unit": Experiment.Unit.COUNTY,
            "arms": ARMS,
            "strata": [],
            "design": Experiment.Design.PARALLEL,
            "start_date": timezone.localdate() + timedelta(days=1),
            "created_by": people.national,
        }
        values.update(overrides)
        return experiment_create(**values)

    return make
