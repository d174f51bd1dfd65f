"""Cross-cutting pages: start page, statements, the staff landing page and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from exportcentrum.accessibility import REFLOW_WIDTHS, latest_review_date, tested_pages_by_role
from exportcentrum.health import health_report, public_health
from privacy.policy import retention_rules
from regions.access import Role
from regions.selectors import export_centres_for_listing


def home(request):
    return render(request, "home.html", {"centres": export_centres_for_listing()})


def accessibility_statement(request):
    return render(
        request,
        "accessibility.html",
        {
            "tested_pages": tested_pages_by_role(),
            "reflow_widths": REFLOW_WIDTHS,
            "review_date": latest_review_date(),
        },
    )


def privacy_notice(request):
    return render(request, "privacy.html", {"retention_rules": retention_rules()})


@login_required
def dashboard(request):
    """Where staff land after login: each role's own start page, once those exist."""
    scope = request.scope
    targets = {
        Role.HANDLER: "handler-inbox",
        Role.COORDINATOR: "coordinator-cases",
        Role.NATIONAL: "national-dashboard",
        Role.ADMIN: "admin:index",
    }
    target = targets.get(scope.role)
    if target:
        try:
            return redirect(target)
        except Exception:  # noqa: S110 - the role's page may not be built yet
            pass
    return render(request, "dashboard.html", {"scope": scope})


@never_cache
def health(request):
    report = health_report(connection)
    if not (request.user.is_authenticated and request.user.is_staff):
        report = public_health(report)
    return JsonResponse(report, status=200 if report["ok"] else 503)
