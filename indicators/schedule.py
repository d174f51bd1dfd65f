"""Beat entries of the indicators app; the lead merges BEAT_SCHEDULE into CELERY_BEAT_SCHEDULE.

A fixed interval, not a crontab: DST switches neither skip nor repeat a run, and a run finds
everything that became due since the last one.
"""

from __future__ import annotations

BEAT_SCHEDULE = {
    "indicators-survey-dispatch": {
        "task": "indicators.survey_dispatch",
        "schedule": 15 * 60.0,
    },
    # Dashboards and exports read these snapshots; SNAPSHOT_MAX_AGE (15 min) is longer than
    # the interval, so a page finds a fresh one even when a run is slow.
    "indicators-refresh-snapshots": {
        "task": "indicators.refresh_snapshots",
        "schedule": 10 * 60.0,
        # A run still queued when the next is due is pointless: drop it instead of piling up.
        "options": {"expires": 10 * 60.0},
    },
}
