from __future__ import annotations

from regions.access import scope_for


def portal(request):
    """Role of the signed-in user, for the navigation."""
    # Pages rendered outside the middleware (e.g. error pages) compute their own.
    scope = getattr(request, "scope", None) or scope_for(getattr(request, "user", None))
    return {"scope": scope}
