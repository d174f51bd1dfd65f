"""The public county pages ("which centre is mine?", each centre's page) and the coordinators'
editing of them. Every editing view asks a visitor to sign in, then starts with
`county_for_editor`, which answers 404 to anyone who may not edit that county."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from regions import selectors, services
from regions.access import (
    access_service_for_editing,
    counts_as_page_visit,
    county_for_editor,
    may_edit_county_page,
    services_editable_by,
)
from regions.bilingual import shown_text
from regions.forms import CentreSearchForm, IntroductionForm, ParticipantsForm, ServiceForm
from regions.models import County, CountyPageVersion, ExportCentre

# Obvious crawlers; real visitors are counted, bots would inflate the indicator.
BOT_MARKERS = ("bot", "spider", "crawler", "slurp")


def _is_bot(request) -> bool:
    agent = request.headers.get("User-Agent", "").lower()
    return any(marker in agent for marker in BOT_MARKERS)


def _page_context(centre: ExportCentre, *, introduction: str) -> dict:
    """What the public page shows; the preview renders the same with a draft introduction."""
    catalogue = list(selectors.services_for_county(centre.county_id))
    return {
        "centre": centre,
        "county": centre.county,
        "introduction": introduction,
        "participants": selectors.participants_with_offices(centre),
        "topic_groups": selectors.catalogue_by_topic(catalogue),
        "now": timezone.now(),
    }


@require_safe
def centre_list(request):
    form = CentreSearchForm(request.GET if "q" in request.GET else None)
    matches = None
    if form.is_bound and form.is_valid():
        matches = selectors.find_centres(form.cleaned_data["q"])
    counties = selectors.export_centres_for_listing().prefetch_related("municipalities")
    return render(
        request,
        "regions/centre_list.html",
        {"form": form, "matches": matches, "counties": counties},
    )


@require_safe
def centre_detail(request, slug: str):
    county = get_object_or_404(County, slug=slug)
    centre = get_object_or_404(
        ExportCentre.objects.select_related("county", "front_door_actor"), county=county
    )
    scope = request.scope
    # HEAD requests, staff looking at their own pages and crawlers are not visits.
    if request.method == "GET" and counts_as_page_visit(scope) and not _is_bot(request):
        services.county_page_visit_record(county_code=county.code)
    context = _page_context(centre, introduction=centre.introduction)
    context["can_edit"] = may_edit_county_page(scope, county.code)
    return render(request, "regions/centre_detail.html", context)


# --- Editing ----------------------------------------------------------------------------------


@login_required
@require_safe
def centre_edit(request, slug: str):
    centre = county_for_editor(request.scope, slug)
    code = centre.county_id
    catalogue = list(selectors.services_for_county(code, include_inactive=True))
    editable_ids = set(services_editable_by(request.scope, code).values_list("pk", flat=True))
    now = timezone.now()
    today = timezone.localdate()
    return render(
        request,
        "regions/edit/hub.html",
        {
            "centre": centre,
            "county": centre.county,
            "services": catalogue,
            "editable_ids": editable_ids,
            "stale": selectors.services_needing_review(code, now=now),
            "participants": selectors.participants_with_offices(centre),
            "draft": selectors.latest_draft(code),
            "changes": selectors.page_changes(code)[:5],
            "visits_30_days": selectors.county_page_visits(code, today - timedelta(days=29), today),
            "now": now,
        },
    )


@login_required
def centre_edit_introduction(request, slug: str):
    centre = county_for_editor(request.scope, slug)
    if request.method == "POST":
        form = IntroductionForm(request.POST)
        if form.is_valid():
            version = services.county_page_draft_save(
                county=centre.county,
                introduction=form.cleaned_data["introduction"],
                editor=request.user,
            )
            return redirect("centre-preview", slug=slug, version_id=version.pk)
    else:
        # Start from a chosen earlier version, the unpublished draft, or the published text.
        source = None
        # isdecimal, not isdigit ("²" is a digit int() refuses); 18 digits fit a bigint.
        chosen = request.GET.get("fran", "")
        if chosen.isdecimal() and len(chosen) <= 18:
            source = selectors.page_versions(centre.county_id).filter(pk=int(chosen)).first()
        source = source or selectors.latest_draft(centre.county_id)
        text = source.introduction if source else centre.introduction
        form = IntroductionForm(initial={"introduction": text})
    return render(request, "regions/edit/introduction_form.html", {"centre": centre, "form": form})


@login_required
@require_safe
def centre_preview(request, slug: str, version_id: int):
    centre = county_for_editor(request.scope, slug)
    version = get_object_or_404(selectors.page_versions(centre.county_id), pk=version_id)
    context = _page_context(centre, introduction=version.introduction)
    context.update({"version": version, "preview": True})
    return render(request, "regions/centre_preview.html", context)


@login_required
@require_POST
def centre_publish(request, slug: str, version_id: int):
    centre = county_for_editor(request.scope, slug)
    version = get_object_or_404(
        CountyPageVersion.objects.filter(county_id=centre.county_id), pk=version_id
    )
    if services.county_page_publish(version=version, editor=request.user):
        messages.success(request, _("Introduktionen är publicerad."))
    else:
        messages.info(request, _("Den här versionen var redan publicerad."))
    return redirect("centre-edit", slug=slug)


@login_required
def centre_edit_participants(request, slug: str):
    centre = county_for_editor(request.scope, slug)
    actors = selectors.actors_available_to(centre.county_id)
    if request.method == "POST":
        form = ParticipantsForm(request.POST, centre=centre, actors=actors)
        if form.is_valid():
            change = services.centre_participants_update(
                centre=centre, actors=form.cleaned_data["participants"], editor=request.user
            )
            if change:
                messages.success(request, _("De medverkande aktörerna är sparade."))
            else:
                messages.info(request, _("Inget ändrades."))
            return redirect("centre-edit", slug=slug)
    else:
        form = ParticipantsForm(
            centre=centre, actors=actors, initial={"participants": centre.participants.all()}
        )
    return render(request, "regions/edit/participants_form.html", {"centre": centre, "form": form})


def _service_form_view(request, centre: ExportCentre, service=None):
    """Add or change a service; "Förhandsgranska" shows the card as the public will see it
    without saving, "Spara" publishes it (the catalogue is live for routing at once)."""
    actors = centre.participants.select_related("actor_type").order_by("name")
    form = ServiceForm(request.POST or None, instance=service, actors=actors)
    preview = None
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        if request.POST.get("action") == "preview":
            preview = {
                **values,
                "shown_title": shown_text(values["title"], values["title_en"]),
                "shown_description": shown_text(values["description"], values["description_en"]),
            }
        elif service is None:
            services.service_create(county=centre.county, editor=request.user, **values)
            messages.success(request, _("Tjänsten är tillagd."))
            return redirect("centre-edit", slug=centre.county.slug)
        else:
            services.service_update(
                county=centre.county, service=service, editor=request.user, **values
            )
            messages.success(request, _("Tjänsten är sparad."))
            return redirect("centre-edit", slug=centre.county.slug)
    return render(
        request,
        "regions/edit/service_form.html",
        {"centre": centre, "form": form, "service": service, "preview": preview},
    )


@login_required
def centre_service_create(request, slug: str):
    centre = county_for_editor(request.scope, slug)
    return _service_form_view(request, centre)


@login_required
def centre_service_edit(request, slug: str, service_id: int):
    centre = county_for_editor(request.scope, slug)
    service = access_service_for_editing(request.scope, centre, service_id)
    return _service_form_view(request, centre, service)


@login_required
@require_POST
def centre_service_deactivate(request, slug: str, service_id: int):
    centre = county_for_editor(request.scope, slug)
    service = access_service_for_editing(request.scope, centre, service_id)
    services.service_deactivate(county=centre.county, service=service, editor=request.user)
    messages.success(request, _("Tjänsten %(title)s visas inte längre.") % {"title": service.title})
    return redirect("centre-edit", slug=slug)


@login_required
@require_POST
def centre_service_activate(request, slug: str, service_id: int):
    centre = county_for_editor(request.scope, slug)
    service = access_service_for_editing(request.scope, centre, service_id)
    services.service_activate(county=centre.county, service=service, editor=request.user)
    messages.success(request, _("Tjänsten %(title)s visas igen.") % {"title": service.title})
    return redirect("centre-edit", slug=slug)


@login_required
@require_POST
def centre_service_reviewed(request, slug: str, service_id: int):
    centre = county_for_editor(request.scope, slug)
    service = access_service_for_editing(request.scope, centre, service_id)
    services.service_mark_reviewed(county=centre.county, service=service, editor=request.user)
    messages.success(
        request, _("Tjänsten %(title)s är markerad som granskad.") % {"title": service.title}
    )
    return redirect(reverse("centre-edit", kwargs={"slug": slug}) + "#tjanster")


@login_required
@require_safe
def centre_history(request, slug: str):
    centre = county_for_editor(request.scope, slug)
    changes = Paginator(selectors.page_changes(centre.county_id), 50).get_page(
        request.GET.get("sida")
    )
    return render(
        request,
        "regions/edit/history.html",
        {
            "centre": centre,
            "versions": selectors.page_versions(centre.county_id)[:50],
            "changes": changes,
        },
    )
