"""Beat entries of the privacy app (merged into CELERY_BEAT_SCHEDULE by settings)."""

from __future__ import annotations

import os

# Tests starting a real beat shorten it (RETENTION_INTERVAL_SECONDS); production runs nightly.
RETENTION_INTERVAL = float(os.environ.get("RETENTION_INTERVAL_SECONDS") or 24 * 60 * 60)

BEAT_SCHEDULE = {
    # Once a day is enough for periods counted in months and days; idempotent, so a run that is
    # repeated or late changes nothing twice.
    "privacy-apply-retention": {
        "task": "privacy.apply_retention",
        "schedule": RETENTION_INTERVAL,
        "options": {"expires": RETENTION_INTERVAL / 2},
    },
}
