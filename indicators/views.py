"""Dashboards, exports, activities, surveys and mystery-shopper tests (thin views)."""

from __future__ import annotations

import contextlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from indicators import dashboards, exports, selectors, services
from indicators.access import (
    access_activity,
    activities_visible_to,
    activity_counties_for,
    coordinator_county,
    county_for_detail,
    export_counties,
    may_edit_activity,
    may_register_activities,
    mystery_tests_visible_to,
    national_access,
    require_activity_editor,
    require_activity_registrar,
    require_activity_viewer,
    require_mystery_shopper_staff,
)
from indicators.forms import (
    PRESET_LABELS,
    ActivityEditForm,
    ActivityForm,
    EffectSurveyForm,
    FollowupSurveyForm,
    MysteryShopperForm,
    ParticipantImportForm,
    PeriodForm,
)
from regions.selectors import services_needing_review
from routing.escalation import sweep_health


def _period_form(request) -> PeriodForm:
    keys = {"preset", "from", "to"}
    return PeriodForm(request.GET if keys & request.GET.keys() else None)


def _period_context(request, form: PeriodForm) -> dict:
    period = form.period()
    query = {k: v for k, v in request.GET.items() if k in {"preset", "from", "to"}}
    return {
        "form": form,
        "period": period,
        "presets": PRESET_LABELS,
        "period_query": urlencode(query),
    }


@login_required
def national_dashboard(request):
    national_access(request.scope)
    form = _period_form(request)
    context = _period_context(request, form)
    context.update(
        dashboards.national_dashboard(context["period"], request.GET.get("sort", "name"))
    )
    # Watch the watcher: the escalation sweep's last run, red when stale.
    context["sweep"] = sweep_health()
    return render(request, "indicators/national_dashboard.html", context)


@login_required
def coordinator_dashboard(request):
    return _county_page(request, coordinator_county(request.scope), comparison=True)


@login_required
def county_dashboard(request, code: str):
    return _county_page(request, code, comparison=False)


def _county_page(request, code: str, *, comparison: bool):
    access, county = county_for_detail(request.scope, code)
    form = _period_form(request)
    context = _period_context(request, form)
    period = context["period"]
    sort = request.GET.get("sort", "name") if comparison else None
    context.update(dashboards.county_dashboard(request.scope, county, period, sort=sort))
    context.update({"county": county, "access": access, "show_comparison": comparison})
    if comparison:
        # Staleness guard: the coordinator sees which services nobody has reviewed for a year.
        context["stale_services"] = list(
            services_needing_review(county.code).select_related("actor")[:50]
        )
    return render(request, "indicators/county_dashboard.html", context)


# --------------------------------------------------------------------------- exports


def _export_scope(request) -> tuple[list[str] | None, str]:
    return export_counties(request.scope, request.GET.get("county") or None)


@login_required
def indicator_export(request, fmt: str):
    codes, name = _export_scope(request)
    period = _period_form(request).period()
    filename = f"indikatorer_{name}_{period.start}_{period.end}.{fmt}"
    if fmt == "xlsx":
        content = exports.indicators_xlsx(codes, period)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = exports.indicators_csv(codes, period)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def panel_export(request):
    codes, name = _export_scope(request)
    period = _period_form(request).period()
    cases, participants = exports.panel_sources(request.scope, codes[0] if codes else None, period)
    response = StreamingHttpResponse(
        exports.panel_csv_stream(cases, participants), content_type="text/csv; charset=utf-8"
    )
    filename = f"foretagspanel_{name}_{period.start}_{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- activities


@login_required
def activity_list(request):
    scope = require_activity_viewer(request.scope)
    activities = (
        activities_visible_to(scope)
        .annotate(companies=Count("participants"))
        .order_by("-date", "-pk")
    )
    page = Paginator(activities, 50).get_page(request.GET.get("sida"))
    can_create = may_register_activities(scope)
    return render(
        request,
        "indicators/activity_list.html",
        {"page": page, "can_create": can_create},
    )


def _activity_form(request, data=None, files=None) -> ActivityForm:
    counties = activity_counties_for(request.scope)
    actors = selectors.actors_for_counties(counties.values_list("code", flat=True))
    return ActivityForm(data, files, counties=counties, actors=actors)


@login_required
def activity_create(request):
    require_activity_registrar(request.scope)
    if request.method == "POST":
        form = _activity_form(request, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            activity = services.activity_create(
                county=data["county"],
                kind=data["kind"],
                title=data["title"],
                date=data["date"],
                actors=list(data["actors"]),
                participant_count=data["participant_count"] or 0,
                companies=data["companies"],
                description=data["description"],
                financing_kind=data["financing_kind"],
                registration_url=data["registration_url"],
                is_public=data["is_public"],
                created_by=request.user,
            )
            messages.success(
                request,
                _("Aktiviteten sparades med %(n)s deltagande företag.")
                % {"n": len(data["companies"])},
            )
            return redirect("activity-detail", pk=activity.pk)
    else:
        form = _activity_form(request)
    return render(request, "indicators/activity_form.html", {"form": form})


@login_required
def activity_edit(request, pk: int):
    activity = require_activity_editor(request.scope, access_activity(request.scope, pk))
    counties = activity_counties_for(request.scope)
    actors = selectors.actors_for_counties(counties.values_list("code", flat=True))
    initial = {
        "county": activity.county_id,
        "kind": activity.kind,
        "title": activity.title,
        "date": activity.date,
        "actors": list(activity.actors.values_list("pk", flat=True)),
        "financing_kind": activity.financing_kind,
        "participant_count": activity.participant_count,
        "description": activity.description,
        "is_public": activity.is_public,
        "registration_url": activity.registration_url,
    }
    form = ActivityEditForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        counties=counties,
        actors=actors,
    )
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "companies"}
        data["actors"] = list(data["actors"])
        data["participant_count"] = data["participant_count"] or 0
        services.activity_update(activity=activity, **data)
        messages.success(request, _("Ändringarna i aktiviteten är sparade."))
        return redirect("activity-detail", pk=activity.pk)
    return render(request, "indicators/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_cancel(request, pk: int):
    """GET asks for confirmation; POST cancels."""
    activity = require_activity_editor(request.scope, access_activity(request.scope, pk))
    if request.method == "POST":
        title = activity.title
        services.activity_cancel(activity=activity)
        messages.success(request, _("Aktiviteten ”%(title)s” är inställd.") % {"title": title})
        return redirect("activity-list")
    return render(request, "indicators/activity_cancel.html", {"activity": activity})


@login_required
def activity_detail(request, pk: int):
    activity = access_activity(request.scope, pk)
    may_edit = may_edit_activity(request.scope, activity)
    form = ParticipantImportForm()
    if request.method == "POST":
        require_activity_editor(request.scope, activity)
        form = ParticipantImportForm(request.POST, request.FILES)
        if form.is_valid():
            added = services.activity_add_participants(activity=activity, companies=form.companies)
            messages.success(request, _("%(n)s nya företag importerades.") % {"n": added})
            return redirect("activity-detail", pk=activity.pk)
    participants = activity.participants.order_by("org_number")
    return render(
        request,
        "indicators/activity_detail.html",
        {"activity": activity, "participants": participants, "form": form, "may_edit": may_edit},
    )


# --------------------------------------------------------------------------- surveys


def survey_answer(request, token: str):
    """The company's survey page: no account, the signed link is the key."""
    invitation = services.survey_invitation_from_token(token)
    if invitation is None:
        raise Http404
    form_class = FollowupSurveyForm if invitation.kind == "followup" else EffectSurveyForm
    with translation.override(invitation.language):
        answered = hasattr(invitation, "response")
        form = form_class(request.POST or None) if not answered else None
        if form is not None and request.method == "POST" and form.is_valid():
            # A double submit (or a second tab) is harmless: the first answer stands.
            with contextlib.suppress(services.AlreadyAnswered):
                services.survey_answer(invitation=invitation, **form.cleaned_data)
            return render(request, "indicators/survey_thanks.html", {"invitation": invitation})
        if answered:
            return render(
                request, "indicators/survey_thanks.html", {"invitation": invitation, "again": True}
            )
        return render(
            request, "indicators/survey_form.html", {"form": form, "invitation": invitation}
        )


# --------------------------------------------------------------------------- mystery shopper


@login_required
def mystery_shopper_report(request):
    scope = require_mystery_shopper_staff(request.scope)
    tests = mystery_tests_visible_to(scope)[:100]
    return render(
        request,
        "indicators/mystery_report.html",
        {"report": selectors.mystery_report(scope), "tests": tests},
    )


@login_required
def mystery_shopper_create(request):
    require_mystery_shopper_staff(request.scope)
    form = MysteryShopperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        test = services.mystery_test_create(created_by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Testfrågan %(ref)s har skickats in i det vanliga flödet.")
            % {"ref": test.case.reference},
        )
        return redirect("mystery-shopper-report")
    return render(request, "indicators/mystery_form.html", {"form": form})
