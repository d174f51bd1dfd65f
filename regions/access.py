"""Who may see and change what in `regions` — and the request's scope every other access module
starts from.

A request's scope is computed once (`ScopeMiddleware` sets `request.scope` lazily) and passed
down: every view, API view and export filters through `Scope.filter(queryset, county_field=...,
office_field=...)`, so a handler sees their office's records, a coordinator their county's and
national staff (and admins) everything. Objects outside the scope are simply absent from the
queryset, so lookups answer 404, never 403. Pages a role has no use for answer 404 too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from regions.models import County, ExportCentre, Service
from regions.selectors import local_services_q, services_for_county


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    COMPANY = "company"
    HANDLER = "handler"
    COORDINATOR = "coordinator"
    NATIONAL = "national"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.HANDLER, Role.COORDINATOR, Role.NATIONAL, Role.ADMIN})


@dataclass(frozen=True)
class Scope:
    role: Role
    office_id: int | None = None
    county_codes: frozenset[str] = field(default_factory=frozenset)
    user_id: int | None = None

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_company(self) -> bool:
        return self.role == Role.COMPANY

    @property
    def sees_everything(self) -> bool:
        return self.role in {Role.NATIONAL, Role.ADMIN}

    def can_edit_county(self, county_code: str) -> bool:
        """Coordinators edit their own county's page and rules; admins any."""
        return self.role == Role.ADMIN or (
            self.role == Role.COORDINATOR and county_code in self.county_codes
        )

    def filter(
        self,
        queryset: QuerySet,
        *,
        county_field: str | None = None,
        office_field: str | None = None,
        owner_field: str | None = None,
    ) -> QuerySet:
        """Narrow `queryset` to this scope. Fields name the lookup path on that model.

        A model without the field a role needs yields nothing for that role (fail closed).
        """
        if self.sees_everything:
            return queryset
        if self.role == Role.COORDINATOR and county_field:
            return queryset.filter(**{f"{county_field}__in": self.county_codes})
        if self.role == Role.HANDLER and office_field:
            return queryset.filter(**{office_field: self.office_id})
        if self.role == Role.COMPANY and owner_field and self.user_id:
            return queryset.filter(**{owner_field: self.user_id})
        return queryset.none()

    def q(self, *, county_field: str, office_field: str) -> Q:
        """The same rule as a Q object, for aggregate queries."""
        if self.sees_everything:
            return Q()
        if self.role == Role.COORDINATOR:
            return Q(**{f"{county_field}__in": self.county_codes})
        if self.role == Role.HANDLER:
            return Q(**{office_field: self.office_id})
        return Q(pk__in=[])


def scope_for(user) -> Scope:
    """The access scope of `user` (anonymous, company account, staff or admin).

    Costs a query or two: in a request, use `request.scope` (computed once) instead; code that
    is handed the request's user (services recording who acted) gets that same scope back.
    """
    remembered = getattr(user, REQUEST_SCOPE_ATTRIBUTE, None)
    if remembered is not None:
        return remembered
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(Role.ANONYMOUS)
    if user.is_superuser:
        return Scope(Role.ADMIN, user_id=user.pk)
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return Scope(Role.COMPANY, user_id=user.pk)
    if profile.role == "handler":
        county_codes = frozenset(profile.office.counties_served.values_list("code", flat=True))
        return Scope(
            Role.HANDLER, office_id=profile.office_id, county_codes=county_codes, user_id=user.pk
        )
    if profile.role == "coordinator":
        return Scope(Role.COORDINATOR, county_codes=frozenset({profile.county_id}), user_id=user.pk)
    if profile.role == "national":
        return Scope(Role.NATIONAL, user_id=user.pk)
    return Scope(Role.ANONYMOUS)


def scope_of(viewer) -> Scope:
    """`viewer` as a scope: a scope passed down from the request stays as it is, a user (from a
    task, a command or a test) gets theirs computed."""
    return viewer if isinstance(viewer, Scope) else scope_for(viewer)


#: Where the request's user remembers the request's scope (that user object lives one request).
REQUEST_SCOPE_ATTRIBUTE = "_request_scope"


class ScopeMiddleware:
    """Sets `request.scope`, computed on first use and then reused for the whole request.

    Must come after AuthenticationMiddleware (it reads `request.user`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: _request_scope(request))
        return self.get_response(request)


def _request_scope(request) -> Scope:
    user = request.user
    scope = scope_for(user)
    setattr(user, REQUEST_SCOPE_ATTRIBUTE, scope)
    return scope


def require_role(scope: Scope, *roles: Role) -> Scope:
    """Other roles get 404 like an out-of-scope object: no hint that the page exists."""
    if scope.role not in roles:
        raise Http404
    return scope


def require_staff(scope: Scope) -> Scope:
    return require_role(scope, *STAFF_ROLES)


def counties_visible_to(scope: Scope) -> QuerySet:
    """Counties whose detail `scope` works with: all for national staff and admins, else their
    own (a handler: the counties their office serves)."""
    if scope.sees_everything:
        return County.objects.all()
    return County.objects.filter(code__in=scope.county_codes)


# --------------------------------------------------------------------------- county pages


def may_edit_county_page(scope: Scope, county_code: str) -> bool:
    return scope.can_edit_county(county_code)


def county_for_editor(scope: Scope, slug: str):
    """The export centre of county `slug` if `scope` may edit its page, else Http404.

    The one gate for every editing view of the county pages: a coordinator of another county,
    handlers, national staff, companies and anonymous visitors all get the same 404 as for a
    county that does not exist (no enumeration, no 403).
    """
    centre = (
        ExportCentre.objects.select_related("county", "front_door_actor")
        .filter(county__slug=slug)
        .first()
    )
    if centre is None or not may_edit_county_page(scope, centre.county_id):
        raise Http404
    return centre


def services_editable_by(scope: Scope, county_code: str) -> QuerySet[Service]:
    """Services of the county's catalogue `scope` may change on its page: the county's own,
    or (admins) all of them, national ones included. Call after `county_for_editor`."""
    services = services_for_county(county_code, include_inactive=True)
    return services if scope.sees_everything else services.filter(local_services_q(county_code))


def access_service_for_editing(scope: Scope, centre: ExportCentre, service_id: int) -> Service:
    return get_object_or_404(services_editable_by(scope, centre.county_id), pk=service_id)


def counts_as_page_visit(scope: Scope) -> bool:
    """Staff looking at the pages are not visitors."""
    return not scope.is_staff_member


# --------------------------------------------------------------------------- staff security


def mfa_required(scope: Scope) -> bool:
    """Whether `scope`'s role must sign in with TOTP (settings.MFA_REQUIRED_ROLES)."""
    return scope.is_staff_member and scope.role in settings.MFA_REQUIRED_ROLES


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def email_verified(user) -> bool:
    """A staff profile may be attached only to an account whose address has been confirmed:
    otherwise whoever typed that address at signup would get the staff role."""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


#: When the signed-in user last made a request (epoch seconds); idle staff sessions end by it.
LAST_SEEN_KEY = "last_seen"


def stamp_session_at_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver (connected in RegionsConfig.ready): the idle clock starts at
    login, so the first requests after it need not write the session."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(timezone.now().timestamp())


class StaffSecurityMiddleware:
    """Two rules for staff, before any view runs:

    - a session idle longer than ``settings.STAFF_SESSION_IDLE`` is ended (a working day);
    - a role that needs MFA without TOTP set up is sent to set it up, wherever it was going.
      allauth's own pages (logout, TOTP setup, reauthentication) and the language switch stay
      reachable; the API answers 403 instead of redirecting.

    Must come after AuthenticationMiddleware, ScopeMiddleware and allauth's AccountMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated or not request.scope.is_staff_member:
            return self.get_response(request)
        if self._idle_too_long(request):
            logout(request)
            return redirect_to_login(request.get_full_path())
        if mfa_required(request.scope) and not _exempt(request) and not has_totp(request.user):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Ställ in tvåstegsverifiering innan du använder API:et.")},
                    status=403,
                )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _idle_too_long(request) -> bool:
        now = int(timezone.now().timestamp())
        last_seen = request.session.get(LAST_SEEN_KEY)
        if (
            isinstance(last_seen, int)
            and now - last_seen > settings.STAFF_SESSION_IDLE.total_seconds()
        ):
            return True
        # Written at most once a minute: no session save on every request of a busy page.
        if not isinstance(last_seen, int) or now - last_seen >= 60:
            request.session[LAST_SEEN_KEY] = now
        return False


def _exempt(request) -> bool:
    """allauth's pages (logout, MFA setup, reauthentication, e-mail confirmation) and the
    language switch: what a user must reach to set up TOTP or leave."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True  # a 404 is a 404 for everyone
    module = getattr(match.func, "__module__", "") or ""
    return module.startswith("allauth.") or match.url_name == "set_language"
