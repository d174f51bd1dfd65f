from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from privacy import policy, selectors, services
from privacy.access import require_personal_data_searcher, require_register_reader
from privacy.forms import ErasureForm, PersonalDataSearchForm
from privacy.models import ErasureRecord


@login_required
@require_safe
def personal_data_search(request):
    scope = require_personal_data_searcher(request.scope)
    form = PersonalDataSearchForm(request.GET if "q" in request.GET else None)
    found = None
    if form.is_bound and form.is_valid():
        found = selectors.personal_data_find(form.cleaned_data["q"], scope=scope)
        if request.GET.get("format") == "json":
            ErasureRecord.objects.create(
                kind=ErasureRecord.Kind.ACCESS,
                at=timezone.now(),
                by=request.user,
                counts={"records": found.total},
            )
            response = JsonResponse(
                selectors.personal_data_as_json(found), json_dumps_params={"ensure_ascii": False}
            )
            response["Content-Disposition"] = 'attachment; filename="registerutdrag.json"'
            return response
    erase_form = ErasureForm(initial={"q": form.cleaned_data["q"]}) if found else None
    return render(
        request,
        "privacy/search.html",
        {"form": form, "found": found, "erase_form": erase_form},
    )


@login_required
@require_http_methods(["POST"])
def personal_data_erase(request):
    scope = require_personal_data_searcher(request.scope)
    erase_form = ErasureForm(request.POST)
    found = None
    if erase_form.is_valid():
        found = selectors.personal_data_find(erase_form.cleaned_data["q"], scope=scope)
        counts = services.personal_data_erase(
            found, by=request.user, reason=erase_form.cleaned_data["reason"]
        )
        return render(request, "privacy/erased.html", {"counts": counts})
    form = PersonalDataSearchForm({"q": request.POST.get("q", "")})
    if form.is_valid():
        found = selectors.personal_data_find(form.cleaned_data["q"], scope=scope)
    return render(
        request,
        "privacy/search.html",
        {"form": form, "found": found, "erase_form": erase_form},
        status=400,
    )


@login_required
@require_safe
def processing_register(request):
    require_register_reader(request.scope)
    return render(
        request,
        "privacy/register.html",
        {
            "rules": policy.retention_rules(),
            "erasures": ErasureRecord.objects.all()[:50],
        },
    )
