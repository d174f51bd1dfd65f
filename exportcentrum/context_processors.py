from __future__ import annotations

from regions.access import scope_for


def portal(request):
    """Role of the signed-in user, for the navigation."""
    return {"scope": scope_for(getattr(request, "user", None))}
