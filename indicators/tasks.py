"""Celery tasks: thin and idempotent."""

from __future__ import annotations

from celery import shared_task

from indicators import services, snapshots


@shared_task(name="indicators.survey_dispatch")
def survey_dispatch() -> int:
    """Invite companies whose follow-up or effect survey is due (safe to run concurrently)."""
    return services.survey_dispatch()


@shared_task(name="indicators.refresh_snapshots")
def refresh_snapshots() -> int:
    """Recompute the snapshots of the preset periods (idempotent: one row per period)."""
    return len(snapshots.snapshots_refresh_presets())
