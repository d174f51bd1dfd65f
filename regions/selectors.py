"""Reads of reference data."""

from __future__ import annotations

from django.db.models import QuerySet

from regions.models import County


def export_centres_for_listing() -> QuerySet[County]:
    """All 21 counties with their export centre (if the centre has been set up)."""
    return County.objects.select_related(
        "export_centre", "export_centre__front_door_actor"
    ).order_by("code")
