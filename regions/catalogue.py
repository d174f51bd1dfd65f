"""The catalogue version: one shared cache key that changes whenever the reference data other
apps keep per process (actors, offices, export centres, services) is written.

Readers (routing's intake) rebuild their per-process copy when the version differs from the one
they built it under. Every service that writes those rows calls ``catalogue_changed()``; regions
knows nothing about who reads.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

CATALOGUE_VERSION_KEY = "regions:catalogue-version"


def catalogue_version() -> str:
    """The current version; a flushed cache gets a fresh one (so every process rebuilds)."""
    version = cache.get(CATALOGUE_VERSION_KEY)
    if version is None:
        cache.add(CATALOGUE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(CATALOGUE_VERSION_KEY)
    return str(version)


def _bump() -> None:
    # Random, not a counter: a flushed and re-created counter could repeat a number that some
    # process still holds.
    cache.set(CATALOGUE_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def catalogue_changed() -> None:
    """Tell every process to rebuild its copy of the catalogue.

    Bumps now and again after commit: a process that rebuilds between the two still sees the
    old committed rows, and the second bump makes it rebuild once the new rows are visible.
    """
    _bump()
    transaction.on_commit(_bump)
