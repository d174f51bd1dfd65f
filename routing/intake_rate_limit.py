"""The web form's limit on accepted questions per client address (the API has DRF's throttle).

A counter per IP in the shared cache, so it holds across web processes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# Generous on purpose: a person files a handful of questions, a spam run hundreds.
DEFAULT_RATE_LIMIT = (10, 600)  # accepted submissions per window (seconds) and IP


def intake_rate_limited(request: HttpRequest) -> bool:
    """Count this submission; True when the address has gone over the limit."""
    limit, window = getattr(settings, "INTAKE_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    key = f"intake:rate:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
