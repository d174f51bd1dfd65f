"""Who may see and change what in `indicators`: dashboards, exports, activities and the
mystery-shopper tests. Every answer starts from the request's scope (`request.scope`, see
regions.access); missing and "not yours" both answer 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from indicators.models import Activity, MysteryShopperTest
from regions.access import Role, Scope, require_staff, scope_of
from regions.models import County

# --------------------------------------------------------------------------- dashboards, exports


@dataclass(frozen=True)
class DashboardAccess:
    """What a user may see on the dashboards.

    ``detail_counties``: counties whose full detail (trends, cases, actors, exports) they see;
    ``None`` means all. Everyone with access sees every county's headline figures.
    """

    scope: Scope
    detail_counties: frozenset[str] | None

    @property
    def is_national(self) -> bool:
        return self.detail_counties is None

    def may_see_detail(self, county_code: str) -> bool:
        return self.detail_counties is None or county_code in self.detail_counties

    @property
    def own_county(self) -> str | None:
        """A coordinator's one county (their start dashboard); None for national staff."""
        if self.detail_counties is None or len(self.detail_counties) != 1:
            return None
        (code,) = self.detail_counties
        return code


def dashboard_access(scope: Scope) -> DashboardAccess:
    """Coordinators (own county) and national staff/admins; everyone else gets 404."""
    if scope.sees_everything:
        return DashboardAccess(scope, None)
    if scope.role == Role.COORDINATOR:
        return DashboardAccess(scope, scope.county_codes)
    raise Http404


def national_access(scope: Scope) -> DashboardAccess:
    access = dashboard_access(scope)
    if not access.is_national:
        raise Http404
    return access


def coordinator_county(scope: Scope) -> str:
    """The county of a coordinator's own dashboard; 404 for everyone else."""
    code = dashboard_access(scope).own_county
    if code is None:
        raise Http404
    return code


def county_for_detail(scope: Scope, code: str) -> tuple[DashboardAccess, County]:
    """The county whose detail ``scope`` asks for; 404 if missing or not theirs alike."""
    access = dashboard_access(scope)
    if not access.may_see_detail(code):
        raise Http404
    try:
        return access, County.objects.get(code=code)
    except County.DoesNotExist as exc:
        raise Http404 from exc


def export_counties(scope: Scope, code: str | None) -> tuple[list[str] | None, str]:
    """County codes an export covers (None = all plus the country) and the name for its file;
    a county outside the scope answers 404. Without ``code``: a coordinator's own county."""
    access = dashboard_access(scope)
    if code:
        county_for_detail(scope, code)
        return [code], code
    if access.is_national:
        return None, "alla"
    (own,) = sorted(access.detail_counties)
    return [own], own


def indicator_county(access: DashboardAccess, code: str | None) -> County | None:
    """The county the indicators API reports on: the one asked for, a coordinator's own when
    none is given, or None (the whole country, national staff only)."""
    if not code and access.is_national:
        return None
    _access, county = county_for_detail(access.scope, code or sorted(access.detail_counties)[0])
    return county


# --------------------------------------------------------------------------- activities


def activities_visible_to(viewer) -> QuerySet[Activity]:
    """Handlers: counties their office serves; coordinators: their county; national: all."""
    scope = scope_of(viewer)
    qs = Activity.objects.select_related("county").prefetch_related("actors")
    if scope.sees_everything:
        return qs
    if scope.role in {Role.HANDLER, Role.COORDINATOR}:
        return qs.filter(county_id__in=scope.county_codes)
    return qs.none()


def require_activity_viewer(scope: Scope) -> Scope:
    """The activity list is for staff; companies and visitors get 404."""
    return require_staff(scope)


def activity_counties_for(viewer) -> QuerySet[County]:
    """Counties a user may register activities for (their own; national staff do not)."""
    scope = scope_of(viewer)
    if scope.role in {Role.HANDLER, Role.COORDINATOR}:
        return County.objects.filter(code__in=scope.county_codes)
    if scope.role == Role.ADMIN:
        return County.objects.all()
    return County.objects.none()


def may_register_activities(scope: Scope) -> bool:
    return activity_counties_for(scope).exists()


def require_activity_registrar(scope: Scope) -> Scope:
    if not may_register_activities(scope):
        raise Http404
    return scope


def access_activity(scope: Scope, pk: int) -> Activity:
    return get_object_or_404(activities_visible_to(scope), pk=pk)


def may_edit_activity(scope: Scope, activity: Activity) -> bool:
    """Participants are added by those who may register activities in its county."""
    return activity_counties_for(scope).filter(code=activity.county_id).exists()


def require_activity_editor(scope: Scope, activity: Activity) -> Activity:
    if not may_edit_activity(scope, activity):
        raise Http404
    return activity


# --------------------------------------------------------------------------- mystery shopper


def mystery_tests_visible_to(viewer) -> QuerySet[MysteryShopperTest]:
    """National staff and admins only: others get nothing (views answer 404)."""
    if not scope_of(viewer).sees_everything:
        return MysteryShopperTest.objects.none()
    return MysteryShopperTest.objects.select_related(
        "county", "case", "case__assigned_actor", "expected_actor_type"
    )


def require_mystery_shopper_staff(scope: Scope) -> Scope:
    """The tests and their report are Tillväxtverket's (national staff and admins)."""
    national_access(scope)
    return scope
