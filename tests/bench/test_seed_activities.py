"""seed_activities: bulk benchmark participations (SQL on PostgreSQL, bulk_create elsewhere)."""

from __future__ import annotations

from collections import Counter

from django.core.management import call_command
from django.utils import timezone

from indicators.demo import BENCH_TITLE
from indicators.models import Activity, ActivityParticipant


def test_seed_activities(db):
    call_command("seed_activities", participations=1234)
    assert ActivityParticipant.objects.count() == 1234
    activities = Activity.objects.filter(title=BENCH_TITLE)
    assert activities.count() == 124  # ten companies each, the last one four
    assert activities.values("county_id").distinct().count() > 15
    assert not activities.filter(date__gt=timezone.localdate()).exists()
    per_activity = Counter(ActivityParticipant.objects.values_list("activity_id", flat=True))
    assert sorted(set(per_activity.values())) == [4, 10]
    call_command("seed_activities", participations=10, clear=True)
    assert ActivityParticipant.objects.count() == 10
