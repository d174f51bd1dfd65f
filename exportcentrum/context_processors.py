from __future__ import annotations

from django.conf import settings

from regions.access import scope_for


def portal(request):
    """Role of the signed-in user, for the navigation."""
    # Pages rendered outside the middleware (e.g. error pages) compute their own.
    scope = getattr(request, "scope", None) or scope_for(getattr(request, "user", None))
    # The login page says when staff MFA is not enforced (development only; production refuses).
    return {"scope": scope, "staff_mfa_off": not settings.MFA_REQUIRED_ROLES}
