"""Public intake pages (question form, county preview, receipt, status) and the rules pages
for coordinators and national staff (rules, change history, simulator, example questions)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from regions.access import Role, scope_for
from regions.models import County
from routing import rules as rules_service
from routing.engine import QuestionFacts
from routing.forms import ExampleQuestionForm, QuestionForm, RuleForm, SimulatorForm
from routing.intake import (
    case_create,
    case_from_status_token,
    case_status_path,
    explanation_for,
    format_deadline,
    public_events,
    receipt_context,
)
from routing.models import Case, ExampleQuestion, RoutingRuleChange

RECEIPTS_SESSION_KEY = "intake_receipts"
# Generous on purpose: a person files a handful of questions, a spam run hundreds.
DEFAULT_RATE_LIMIT = (10, 600)  # accepted submissions per window (seconds) and IP


# --------------------------------------------------------------------------- helpers


def _preset_county(value: str | None) -> County | None:
    if not value:
        return None
    return County.objects.filter(Q(slug=value) | Q(code=value)).first()


def _rate_limited(request: HttpRequest) -> bool:
    """Per-IP counter in the shared cache (so it holds across web processes)."""
    limit, window = getattr(settings, "INTAKE_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    key = f"intake:rate:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def _company_initial(user) -> dict:
    last = Case.objects.visible_to(user).order_by("-created_at").first()
    if last is None:
        return {"email": user.email}
    return {
        "company_name": last.company_name,
        "org_number": f"{last.org_number[:6]}-{last.org_number[6:]}",
        "contact_name": last.contact_name,
        "email": last.email,
        "phone": last.phone,
        "postal_code": last.postal_code,
        "municipality_code": "" if last.postal_code else last.municipality_id,
        "employees": last.employees,
        "export_experience": last.export_experience,
        "language": last.language,
    }


# --------------------------------------------------------------------------- intake


@require_http_methods(["GET", "POST"])
def question_form(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    is_company = scope.role == Role.COMPANY
    preset = _preset_county(request.GET.get("lan") or request.POST.get("lan"))
    preset_code = preset.code if preset else None
    context: dict = {
        "preset_county": preset,
        "my_cases": (
            Case.objects.visible_to(request.user).select_related("assigned_actor")
            .order_by("-created_at")[:20] if is_company else None
        ),
    }  # fmt: skip
    status = 200

    if request.method == "POST":
        form = QuestionForm(request.POST, preset_county=preset_code)
        if "preview" in request.POST:
            municipality, message = form.preview_municipality()
            context["preview"] = {"municipality": municipality, "message": message}
            form = QuestionForm(initial=request.POST.dict(), preset_county=preset_code)
        elif form.is_valid() or form.is_honeypot:
            if _rate_limited(request):
                form.add_error(
                    None,
                    _(
                        "Vi har tagit emot många frågor från din uppkoppling på kort tid. "
                        "Vänta tio minuter och skicka igen – det du skrivit finns kvar."
                    ),
                )
                status = 429
            elif not form.is_honeypot:
                case = case_create(
                    data=form.question_data(), company_user=request.user if is_company else None
                )
                receipts = request.session.get(RECEIPTS_SESSION_KEY, [])
                request.session[RECEIPTS_SESSION_KEY] = [*receipts[-19:], case.reference]
                return redirect("question-receipt", reference=case.reference)
    else:
        initial = {"language": (request.LANGUAGE_CODE or "sv")[:2], "topic": "unknown"}
        if is_company:
            initial.update(_company_initial(request.user))
        form = QuestionForm(initial=initial, preset_county=preset_code)
    context["form"] = form
    return render(request, "routing/intake/form.html", context, status=status)


@require_GET
def county_preview(request: HttpRequest) -> JsonResponse:
    """Postal code or municipality -> county, for the form's live preview (JS)."""
    form = QuestionForm(request.GET)
    municipality, message = form.preview_municipality()
    if municipality is None:
        return JsonResponse({"ok": False, "message": message})
    county = municipality.county
    return JsonResponse(
        {
            "ok": True,
            "municipality": {"code": municipality.code, "name": municipality.short_name},
            "county": {"code": county.code, "name": county.name},
            "message": _("Frågan går till regionalt exportcentrum i %(county)s (%(municipality)s).")
            % {"county": county.name, "municipality": municipality.short_name},
        }
    )


@never_cache
def question_receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """Shown right after filing, to the browser session that filed it (or its company user)."""
    cases = Case.objects.select_related("county", "assigned_actor", "office")
    if reference in request.session.get(RECEIPTS_SESSION_KEY, []):
        case = get_object_or_404(cases, reference=reference)
    else:
        case = get_object_or_404(cases.visible_to(request.user), reference=reference)
    context = receipt_context(case, status_url=request.build_absolute_uri(case_status_path(case)))
    return render(request, "routing/intake/receipt.html", context)


@never_cache
def case_status(request: HttpRequest, token: str) -> HttpResponse:
    case = case_from_status_token(token)
    if case is None:
        raise Http404
    history = [
        {"at": e.at, "label": _event_label(e.kind), "to_value": e.to_value}
        for e in public_events(case)
    ]
    response = render(
        request,
        "routing/intake/status.html",
        {
            "case": case,
            "deadline_text": format_deadline(case.deadline_at),
            "history": history,
            "explanation": explanation_for(case),
        },
    )
    # The URL is the credential: keep it out of search engines and other sites' logs.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _event_label(kind: str) -> str:
    labels = {
        "created": _("Frågan togs emot"),
        "assigned": _("Frågan skickades till"),
        "triage": _("Frågan skickades till länets samordning för bedömning"),
        "contacted": _("Första kontakt"),
        "first_contact": _("Första kontakt"),
        "referred": _("Hänvisad till"),
        "closed": _("Ärendet avslutades"),
        "status": _("Ny status"),
    }
    return labels.get(kind, kind.replace("_", " ").capitalize())


# --------------------------------------------------------------------------- rules pages


def _rules_scope(request: HttpRequest):
    """Coordinators, national staff and admins; everyone else gets 404."""
    scope = scope_for(request.user)
    if not rules_service.can_view_rules(scope):
        raise Http404
    return scope


@login_required
def rules_list(request: HttpRequest) -> HttpResponse:
    scope = _rules_scope(request)
    rules = rules_service.rules_visible_to(scope).order_by("county_id", "-priority", "name")
    county_filter = request.GET.get("lan") or ""
    if county_filter == "nationell":
        rules = rules.filter(county__isnull=True)
    elif county_filter:
        rules = rules.filter(county_id=county_filter)
    editable = set(rules_service.rules_editable_by(scope).values_list("pk", flat=True))
    counties = (
        County.objects.all()
        if scope.sees_everything
        else County.objects.filter(code__in=scope.county_codes)
    )
    creatable = []
    if rules_service.can_edit_rule_scope(scope, None):
        creatable.append(("nationell", _("Ny nationell regel")))
    for county in counties:
        if rules_service.can_edit_rule_scope(scope, county.code):
            creatable.append((county.code, _("Ny regel för %(county)s") % {"county": county.name}))
    changes = RoutingRuleChange.objects.select_related("changed_by", "county")
    if not scope.sees_everything:
        changes = changes.filter(Q(county__isnull=True) | Q(county_id__in=scope.county_codes))
    return render(
        request,
        "routing/rules/list.html",
        {
            "rules": [(rule, rule.pk in editable) for rule in rules],
            "counties": counties,
            "county_filter": county_filter,
            "creatable": creatable,
            "changes": changes[:20],
        },
    )


def _county_for_scope_param(scope, value: str) -> County | None:
    """ "nationell" -> None (national); a county code -> County; 404 when not editable."""
    if value == "nationell":
        if not rules_service.can_edit_rule_scope(scope, None):
            raise Http404
        return None
    if not rules_service.can_edit_rule_scope(scope, value):
        raise Http404
    return get_object_or_404(County, code=value)


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest, scope_code: str) -> HttpResponse:
    scope = _rules_scope(request)
    county = _county_for_scope_param(scope, scope_code)
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
    scope = _rules_scope(request)
    rule = get_object_or_404(rules_service.rules_editable_by(scope), pk=pk)
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
    scope = _rules_scope(request)
    rule = get_object_or_404(rules_service.rules_editable_by(scope), pk=pk)
    change = rules_service.rule_delete(user=request.user, rule=rule)
    return redirect("rule-change", pk=change.pk)


@login_required
def rule_change(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _rules_scope(request)
    changes = RoutingRuleChange.objects.select_related("changed_by", "county")
    if not scope.sees_everything:
        changes = changes.filter(Q(county__isnull=True) | Q(county_id__in=scope.county_codes))
    change = get_object_or_404(changes, pk=pk)
    results = change.example_results or []
    if not scope.sees_everything:
        results = [r for r in results if r["county"] in scope.county_codes]
    fields = sorted(set((change.before or {}).keys()) | set((change.after or {}).keys()) - {"id"})
    diff = [
        {
            "field": f,
            "before": (change.before or {}).get(f),
            "after": (change.after or {}).get(f),
            "changed": (change.before or {}).get(f) != (change.after or {}).get(f),
        }
        for f in fields
    ]
    return render(
        request,
        "routing/rules/change.html",
        {
            "change": change,
            "diff": diff,
            "changed_results": [r for r in results if r["changed"]],
            "results": results,
        },
    )


# --------------------------------------------------------------------------- simulator


def _simulator_counties(scope):
    if scope.sees_everything:
        return County.objects.all()
    return County.objects.filter(code__in=scope.county_codes)


@login_required
def routing_simulator(request: HttpRequest) -> HttpResponse:
    scope = _rules_scope(request)
    counties = _simulator_counties(scope)
    form = SimulatorForm(request.GET or None, counties=counties)
    decision = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        decision = rules_service.route_question(
            QuestionFacts(
                county_code=data["county"].code,
                text=data["question"],
                topic=data["topic"].code if data["topic"] else None,
                target_countries=tuple(data["target_countries"]),
                employees=data["employees"] or None,
                export_experience=data["export_experience"] or None,
            )
        )
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
    lang = (request.LANGUAGE_CODE or "sv")[:2]
    return render(
        request,
        "routing/rules/simulator.html",
        {
            "form": form,
            "decision": decision,
            "explanation": decision.explanation_lines(lang) if decision else [],
            "examples": examples,
            "example_county": counties.filter(code=county_code).first() if county_code else None,
            "can_manage_examples": bool(county_code)
            and (scope.sees_everything or scope.can_edit_county(county_code)),
            "example_form": ExampleQuestionForm(),
        },
    )


def _examples_county(request: HttpRequest, county_code: str) -> County:
    scope = _rules_scope(request)
    if not (scope.sees_everything or scope.can_edit_county(county_code)):
        raise Http404
    return get_object_or_404(County, code=county_code)


@login_required
@require_http_methods(["GET", "POST"])
def example_create(request: HttpRequest, county_code: str) -> HttpResponse:
    county = _examples_county(request, county_code)
    form = ExampleQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rules_service.example_question_create(
            county=county,
            text=form.cleaned_data["text"],
            topic=form.cleaned_data["topic"],
            target_countries=form.cleaned_data["target_countries"],
            expected_actor_type=form.cleaned_data["expected_actor_type"],
        )
        return redirect(f"{_simulator_url()}?county={county.code}#examples")
    return render(request, "routing/rules/example_form.html", {"form": form, "county": county})


@login_required
@require_POST
def example_delete(request: HttpRequest, pk: int) -> HttpResponse:
    example = get_object_or_404(ExampleQuestion, pk=pk)
    county = _examples_county(request, example.county_id)
    rules_service.example_question_delete(example=example)
    return redirect(f"{_simulator_url()}?county={county.code}#examples")


@login_required
@require_POST
def examples_rerun(request: HttpRequest, county_code: str) -> HttpResponse:
    county = _examples_county(request, county_code)
    rules_service.example_questions_run(county_codes=[county.code])
    return redirect(f"{_simulator_url()}?county={county.code}#examples")


def _simulator_url() -> str:
    from django.urls import reverse

    return reverse("routing-simulator")
