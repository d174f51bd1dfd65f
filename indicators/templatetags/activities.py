"""`{% upcoming_activities county %}` for the county pages (regions must not import indicators)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from indicators.models import Activity

register = template.Library()

# Events a company can sign up for; company visits and financing decisions are not public.
PUBLIC_KINDS = [
    Activity.Kind.SEMINAR,
    Activity.Kind.WORKSHOP,
    Activity.Kind.CONFERENCE,
    Activity.Kind.STUDY_TRIP,
]


@register.inclusion_tag("indicators/_upcoming_activities.html")
def upcoming_activities(county, limit: int = 10):
    activities = Activity.objects.filter(
        county=county, is_public=True, kind__in=PUBLIC_KINDS, date__gte=timezone.localdate()
    ).order_by("date", "title")[:limit]
    return {"activities": list(activities), "county": county}
