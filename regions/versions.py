"""Shared version stamps in the cache, for per-process copies of rarely changing data.

Lives in the lowest layer that needs it: regions stamps its catalogue, routing its rules.

A process keeps compiled rules or the reference catalogue in memory and rebuilds its copy when
the stamp differs from the one it built under. One cache read per request, no database query.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache


def shared_version(key: str) -> str:
    """The current stamp; a flushed cache gets a fresh one (so every process rebuilds)."""
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    return str(version)


def shared_version_bump(key: str) -> None:
    """Tell every process to rebuild. Random, not a counter: a flushed and re-created counter
    could repeat a number that some process still holds."""
    cache.set(key, uuid.uuid4().hex, timeout=None)
