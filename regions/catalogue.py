"""The catalogue version: one shared cache key that changes whenever the reference data other
apps keep per process (actors, offices, export centres, services) is written.

Readers (routing's intake) rebuild their per-process copy when the version differs from the one
they built it under. Every service that writes those rows calls ``catalogue_changed()``; regions
knows nothing about who reads.
"""

from __future__ import annotations

from django.db import transaction

from regions.versions import shared_version, shared_version_bump, shared_version_key

CATALOGUE_VERSION_KEY = shared_version_key("regions:catalogue-version")


def catalogue_version() -> str:
    return shared_version(CATALOGUE_VERSION_KEY)


def _bump() -> None:
    shared_version_bump(CATALOGUE_VERSION_KEY)


def catalogue_changed() -> None:
    """Tell every process to rebuild its copy of the catalogue.

    Bumps now and again after commit: a process that rebuilds between the two still sees the
    old committed rows, and the second bump makes it rebuild once the new rows are visible.
    """
    _bump()
    transaction.on_commit(_bump)
