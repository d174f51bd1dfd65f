"""Beat entries of the privacy app (merged into CELERY_BEAT_SCHEDULE by settings)."""

from __future__ import annotations

BEAT_SCHEDULE = {
    # Once a day is enough for periods counted in months and days; idempotent, so a run that is
    # repeated or late changes nothing twice.
    "privacy-apply-retention": {
        "task": "privacy.apply_retention",
        "schedule": 24 * 60 * 60.0,
        "options": {"expires": 12 * 60 * 60.0},
    },
}
