"""National staff's pages for experiments: thin views over selectors, services and analysis."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation import analysis, selectors, services
from evaluation.access import access_experiment, experiments_visible_to, require_experiment_staff
from evaluation.estimates import FEW_CLUSTERS, minimum_detectable_effect
from evaluation.forms import STRATA_LABELS, ExperimentForm, PowerForm, RunForm


@login_required
def experiment_list(request):
    experiments = experiments_visible_to(request.scope)
    return render(request, "evaluation/list.html", {"experiments": experiments})


@login_required
def experiment_create(request):
    require_experiment_staff(request.scope)
    form = ExperimentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        experiment = services.experiment_create(created_by=request.user, **form.cleaned_data)
        messages.success(request, _("Försöket är skapat. Gör tilldelningen före start."))
        return redirect("experiment-detail", pk=experiment.pk)
    status = 400 if form.errors else 200
    return render(request, "evaluation/form.html", {"form": form}, status=status)


@login_required
def experiment_detail(request, pk: int):
    experiment = access_experiment(request.scope, pk)
    run = selectors.latest_run(experiment)
    assignments = selectors.run_assignments(run)
    started = timezone.localdate() >= experiment.start_date
    rows = selectors.evaluation_panel(experiment) if started else []
    context = {
        "experiment": experiment,
        "run": run,
        "runs": experiment.runs.select_related("run_by"),
        "assignments": assignments,
        "allocation": analysis.allocation_summary(assignments),
        "strata_labels": [str(STRATA_LABELS.get(s, s)) for s in experiment.strata],
        "started": started,
        "flow": analysis.consort_flow(experiment, assignments, rows) if started else [],
        "excluded_tests": selectors.test_cases_since_start(experiment) if started else 0,
        "run_form": RunForm(initial={"seed": RunForm.suggested_seed()}),
    }
    return render(request, "evaluation/detail.html", context)


@login_required
@require_POST
def assignment_run(request, pk: int):
    experiment = access_experiment(request.scope, pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ange ett frö som ett heltal."))
        return redirect("experiment-detail", pk=experiment.pk)
    try:
        run = services.assignment_run(
            experiment=experiment, seed=form.cleaned_data["seed"], user=request.user
        )
    except services.AssignmentRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(n)s enheter fördelades med frö %(seed)s.")
            % {"n": run.unit_count, "seed": run.seed},
        )
    return redirect("experiment-detail", pk=experiment.pk)


@login_required
def balance(request, pk: int):
    experiment = access_experiment(request.scope, pk)
    since = experiment.start_date - timedelta(days=selectors.BASELINE_DAYS)
    rows = selectors.evaluation_panel(experiment, since=since)
    groups, sizes, table = analysis.balance_table(experiment, rows)
    context = {
        "experiment": experiment,
        "run": selectors.latest_run(experiment),
        "groups": list(zip(groups, sizes, strict=True)),
        "table": table,
    }
    return render(request, "evaluation/balance.html", context)


@login_required
def estimates(request, pk: int):
    experiment = access_experiment(request.scope, pk)
    run = selectors.latest_run(experiment)
    rows = selectors.evaluation_panel(experiment)
    results = analysis.estimate_report(experiment, selectors.run_assignments(run), rows)
    context = {"experiment": experiment, "run": run, "results": results, "cases": len(rows)}
    return render(request, "evaluation/estimates.html", context)


@login_required
def panel_export(request, pk: int):
    experiment = access_experiment(request.scope, pk)
    since = experiment.start_date - timedelta(days=selectors.BASELINE_DAYS)
    body = analysis.panel_csv(selectors.evaluation_panel(experiment, since=since))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="forsok-{experiment.pk}-panel.csv"'
    return response


@login_required
def power(request):
    require_experiment_staff(request.scope)
    form = PowerForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = minimum_detectable_effect(
            units=data["units"],
            cases_per_unit=data["cases_per_unit"],
            baseline=data["baseline"] / 100,
            icc=data["icc"],
            treated_share=data["treated_share"] / 100,
            cluster=data["cluster"],
        )
    context = {"form": form, "result": result, "few_clusters": FEW_CLUSTERS}
    return render(request, "evaluation/power.html", context, status=400 if form.errors else 200)
