"""What indicators adds to the county pages of regions (see ``regions.extensions``).

regions must not name this app, so the public page's upcoming activities and the editing hub's
links to the county's activities are registered here, from ``IndicatorsConfig.ready``.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Activity
from regions.extensions import CountyPart, Slot, county_part_register
from regions.models import County

# Events a company can sign up for; company visits and financing decisions are not public.
PUBLIC_KINDS = [
    Activity.Kind.SEMINAR,
    Activity.Kind.WORKSHOP,
    Activity.Kind.CONFERENCE,
    Activity.Kind.STUDY_TRIP,
]
UPCOMING_LIMIT = 10


def upcoming_public_activities(county: County, *, limit: int = UPCOMING_LIMIT) -> list[Activity]:
    return list(
        Activity.objects.filter(
            county=county, is_public=True, kind__in=PUBLIC_KINDS, date__gte=timezone.localdate()
        ).order_by("date", "title")[:limit]
    )


def _upcoming_context(county: County) -> dict:
    return {"activities": upcoming_public_activities(county)}


def county_parts_register() -> None:
    upcoming = CountyPart(
        key="indicators.upcoming-activities",
        template_name="indicators/_upcoming_activities.html",
        context=_upcoming_context,
        anchor="activities-heading",
        toc_label=_("Kommande aktiviteter"),
    )
    county_part_register(Slot.PAGE_SECTIONS, upcoming)
    county_part_register(Slot.HUB_SECTIONS, upcoming)
    county_part_register(
        Slot.HUB_SECTIONS,
        CountyPart(
            key="indicators.activity-links",
            template_name="indicators/_county_hub_activities.html",
            order=110,
        ),
    )
