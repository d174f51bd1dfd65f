"""Who may see and change experiments: national staff and admins; everyone else gets 404,
for missing and existing experiments alike."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from evaluation.models import Experiment
from regions.access import Role, Scope, require_role


def require_experiment_staff(scope: Scope) -> Scope:
    """Experiments are national staff's (and admins') tool."""
    return require_role(scope, Role.NATIONAL, Role.ADMIN)


def experiments_visible_to(scope: Scope) -> QuerySet[Experiment]:
    require_experiment_staff(scope)
    return Experiment.objects.select_related("created_by")


def access_experiment(scope: Scope, pk: int) -> Experiment:
    return get_object_or_404(experiments_visible_to(scope), pk=pk)
