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
}
