"""Per-client and per-recipient limits on filing questions, kept in the shared cache.

All limits count in Django's cache so they hold across web processes. The cache fails open
(exportcentrum/cache.py): while Redis is down nothing is limited, so a question is never refused
because the counter cannot be reached. Every per-client limit keys on ``client_bucket``.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from routing.client_ip import client_bucket

log = logging.getLogger(__name__)

RECEIPT_WINDOW_SECONDS = 3600


def _count(key: str, window: int) -> int:
    """Add one to a counter that lives ``window`` seconds from its first hit; the new count."""
    count_in_window = getattr(cache, "count_in_window", None)
    if count_in_window is not None:  # the Redis cache does this in one round trip, not three
        return count_in_window(key, window)
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def intake_rate_limited(request: HttpRequest) -> bool:
    """True once this client has filed more than INTAKE_RATE_LIMIT questions in its window."""
    limit, window = settings.INTAKE_RATE_LIMIT
    return _count(f"intake:rate:{client_bucket(request)}", window) > limit


def receipt_allowed(email: str) -> bool:
    """Count one receipt to ``email``; False beyond RECEIPT_LIMIT_PER_HOUR in the hour.

    The question itself is always saved: this only stops the public form and API from being
    used to send our mail to someone else's address in bulk. The key is a hash, so no address
    is kept in the cache.
    """
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    count = _count(f"intake:receipts:{digest}", RECEIPT_WINDOW_SECONDS)
    if count > settings.RECEIPT_LIMIT_PER_HOUR:
        log.info("Receipt cap reached for address %s…; question saved, no receipt", digest[:8])
        return False
    return True


class ClientIpThrottleMixin:
    """DRF throttles identify the client like every other limit (not by a raw header)."""

    def get_ident(self, request) -> str:
        return client_bucket(request)


class QuestionThrottle(ClientIpThrottleMixin, ScopedRateThrottle):
    """The API's limit on filing questions (scope "questions")."""


class PublicAnonThrottle(ClientIpThrottleMixin, AnonRateThrottle):
    """Anonymous reads of the public API (e.g. a question's status)."""
