"""The rules pages of coordinators and national staff: rules, their change history, the routing
simulator and the example questions. Thin views: access (routing.access) → form → one service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from regions.access import counties_visible_to
from routing import rules as rules_service
from routing.access import (
    NATIONAL_RULES,
    access_example_for_managing,
    access_examples_county,
    access_rule_change,
    access_rule_for_editing,
    example_results_visible_to,
    may_edit_rule_scope,
    may_manage_examples,
    require_rules_viewer,
    rule_changes_visible_to,
    rule_scope_for_creating,
    rule_scopes_creatable,
    rules_editable_by,
    rules_visible_to,
    simulator_counties,
)
from routing.decision import RoutingDecision, display_labels
from routing.engine import QuestionFacts
from routing.forms import ExampleQuestionForm, RouterSettingsForm, RuleForm, SimulatorForm
from routing.learning.store import router_settings, router_settings_update
from routing.models import ExampleQuestion, RouterModel, RoutingRuleChange

# --------------------------------------------------------------------------- rules


@login_required
def rules_list(request: HttpRequest) -> HttpResponse:
    scope = require_rules_viewer(request.scope)
    rules = rules_visible_to(scope).order_by("county_id", "-priority", "name")
    county_filter = request.GET.get("lan") or ""
    if county_filter == NATIONAL_RULES:
        rules = rules.filter(county__isnull=True)
    elif county_filter:
        rules = rules.filter(county_id=county_filter)
    editable = set(rules_editable_by(scope).values_list("pk", flat=True))
    counties = counties_visible_to(scope)
    names = {county.code: county.name for county in counties}
    creatable = [
        (NATIONAL_RULES, _("Ny nationell regel"))
        if code is None
        else (code, _("Ny regel för %(county)s") % {"county": names[code]})
        for code in rule_scopes_creatable(scope, counties)
    ]
    return render(
        request,
        "routing/rules/list.html",
        {
            "rules": [(rule, rule.pk in editable) for rule in rules],
            "counties": counties,
            "county_filter": county_filter,
            "creatable": creatable,
            "changes": rule_changes_visible_to(scope)[:20],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest, scope_code: str) -> HttpResponse:
    county = rule_scope_for_creating(request.scope, scope_code)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        change = rules_service.rule_create(user=request.user, county=county, data=form.cleaned_data)
        return redirect("rule-change", pk=change.pk)
    return render(
        request, "routing/rules/edit.html", {"form": form, "county": county, "rule": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = access_rule_for_editing(request.scope, pk)
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            change = rules_service.rule_update(user=request.user, rule=rule, data=form.cleaned_data)
            return redirect("rule-change", pk=change.pk)
    else:
        form = RuleForm(initial=RuleForm.initial_from(rule))
    history = RoutingRuleChange.objects.filter(rule=rule).select_related("changed_by")
    return render(
        request,
        "routing/rules/edit.html",
        {"form": form, "county": rule.county, "rule": rule, "history": history},
    )


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = access_rule_for_editing(request.scope, pk)
    change = rules_service.rule_delete(user=request.user, rule=rule)
    return redirect("rule-change", pk=change.pk)


@login_required
def rule_change(request: HttpRequest, pk: int) -> HttpResponse:
    change = access_rule_change(request.scope, pk)
    results = example_results_visible_to(request.scope, change.example_results or [])
    results = rules_service.example_results_readable(results)
    return render(
        request,
        "routing/rules/change.html",
        {
            "change": change,
            "diff": rules_service.rule_change_readable(change),
            "changed_results": [r for r in results if r["changed"]],
            "results": results,
        },
    )


# --------------------------------------------------------------------------- the learned router


@login_required
@require_http_methods(["GET", "POST"])
def router_settings_page(request: HttpRequest) -> HttpResponse:
    """The active model and its held-out scores for everyone on the rules pages; the
    threshold editable by national staff (those who edit national rules)."""
    scope = require_rules_viewer(request.scope)
    may_edit = may_edit_rule_scope(scope, None)
    if request.method == "POST" and not may_edit:
        raise Http404
    current = router_settings()
    form = RouterSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"model_threshold": current.model_threshold},
    )
    if request.method == "POST" and form.is_valid():
        router_settings_update(
            user=request.user, model_threshold=form.cleaned_data["model_threshold"]
        )
        return redirect("router-settings")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "routing/rules/router_settings.html",
        {
            "form": form,
            "may_edit": may_edit,
            "settings": current,
            "model": RouterModel.objects.filter(is_active=True).defer("payload").first(),
        },
        status=status,
    )


# --------------------------------------------------------------------------- simulator


@login_required
def routing_simulator(request: HttpRequest) -> HttpResponse:
    scope = request.scope
    counties = simulator_counties(scope)
    # Only a question asks anything: "back to the simulator" links carry just ?county=, and
    # must open the form with that county chosen, not with errors.
    asked = "question" in request.GET
    form = SimulatorForm(
        request.GET if asked else None,
        counties=counties,
        initial={"county": request.GET.get("county")},
    )
    decision = None
    if asked and form.is_valid():
        data = form.cleaned_data
        engine_decision = rules_service.route_question(
            QuestionFacts(
                county_code=data["county"].code,
                text=data["question"],
                topic=data["topic"].code if data["topic"] else None,
                target_countries=tuple(data["target_countries"]),
                employees=data["employees"] or None,
                export_experience=data["export_experience"] or None,
            )
        )
        # The same typed decision a filed case stores, so the simulator explains it the same way.
        decision = RoutingDecision.from_engine(engine_decision, county=data["county"].code)
    county_code = (
        form.cleaned_data["county"].code
        if decision is not None
        else request.GET.get("county") or (counties.first().code if counties.exists() else None)
    )
    if county_code and not counties.filter(code=county_code).exists():
        county_code = None
    examples = (
        ExampleQuestion.objects.filter(county_id=county_code).select_related(
            "topic", "expected_actor_type"
        )
        if county_code
        else ExampleQuestion.objects.none()
    )
    labels = display_labels()
    return render(
        request,
        "routing/rules/simulator.html",
        {
            "form": form,
            "decision": decision,
            "explanation": decision.explain(labels) if decision else None,
            "deciding": decision.deciding_match() if decision else None,
            "ranking": [
                (labels.actor(r.actor_type), formats.number_format(r.score))
                for r in (decision.ranked if decision else ())
            ],
            "example_rows": [
                (
                    ex,
                    labels.actor(ex.expected_actor_type_id),
                    labels.actor(ex.last_actor_type or ""),
                )
                for ex in examples
            ],
            "model_top": decision.advice.actors[:3] if decision and decision.advice else (),
            "examples": examples,
            "example_county": counties.filter(code=county_code).first() if county_code else None,
            "can_manage_examples": may_manage_examples(scope, county_code),
            "example_form": ExampleQuestionForm(),
        },
    )


# --------------------------------------------------------------------------- example questions


def _simulator_examples_url(county_code: str) -> str:
    return f"{reverse('routing-simulator')}?county={county_code}#examples"


@login_required
@require_http_methods(["GET", "POST"])
def example_create(request: HttpRequest, county_code: str) -> HttpResponse:
    county = access_examples_county(request.scope, county_code)
    form = ExampleQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rules_service.example_question_create(
            county=county,
            text=form.cleaned_data["text"],
            topic=form.cleaned_data["topic"],
            target_countries=form.cleaned_data["target_countries"],
            expected_actor_type=form.cleaned_data["expected_actor_type"],
        )
        return redirect(_simulator_examples_url(county.code))
    return render(request, "routing/rules/example_form.html", {"form": form, "county": county})


@login_required
@require_POST
def example_delete(request: HttpRequest, pk: int) -> HttpResponse:
    example = access_example_for_managing(request.scope, pk)
    county_code = example.county_id
    rules_service.example_question_delete(example=example)
    return redirect(_simulator_examples_url(county_code))


@login_required
@require_POST
def examples_rerun(request: HttpRequest, county_code: str) -> HttpResponse:
    county = access_examples_county(request.scope, county_code)
    rules_service.example_questions_run(county_codes=[county.code])
    return redirect(_simulator_examples_url(county.code))
