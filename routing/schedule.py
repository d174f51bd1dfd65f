"""Celery beat schedule for the escalation machinery.

Imported by settings (``CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE``), so it must not import models.
Every entry is a fixed interval in seconds, never a local-time crontab: a DST switch can
neither skip nor repeat a sweep, and the sweep itself does its calendar arithmetic in zoneinfo.
"""

from __future__ import annotations

import os


def _seconds(name: str, default: float) -> float:
    # Tests starting a real worker shorten the intervals; production keeps the defaults.
    value = os.environ.get(name)
    return float(value) if value else default


SWEEP_INTERVAL = _seconds("SWEEP_INTERVAL_SECONDS", 60.0)
OUTBOX_RESEND_INTERVAL = _seconds("OUTBOX_RESEND_INTERVAL_SECONDS", 60.0)
NATIONAL_DIGEST_INTERVAL = _seconds("NATIONAL_DIGEST_INTERVAL_SECONDS", 15 * 60.0)
AUDIT_INTERVAL = _seconds("ESCALATION_AUDIT_INTERVAL_SECONDS", 24 * 60 * 60.0)
ROUTER_TRAINING_INTERVAL = _seconds("ROUTER_TRAINING_INTERVAL_SECONDS", 24 * 60 * 60.0)

BEAT_SCHEDULE: dict[str, dict] = {
    "escalation-sweep": {
        "task": "routing.escalation_sweep",
        "schedule": SWEEP_INTERVAL,
        # A sweep that could not start within its minute is superseded by the next one.
        "options": {"expires": SWEEP_INTERVAL},
    },
    "outbox-resend-pending": {
        "task": "routing.outbox_resend_pending",
        "schedule": OUTBOX_RESEND_INTERVAL,
        "options": {"expires": OUTBOX_RESEND_INTERVAL},
    },
    "national-digest": {
        "task": "routing.national_digest",
        "schedule": NATIONAL_DIGEST_INTERVAL,
        "options": {"expires": NATIONAL_DIGEST_INTERVAL},
    },
    "escalation-audit": {
        "task": "routing.escalation_audit",
        "schedule": AUDIT_INTERVAL,
    },
    # Nightly retraining of the learned router from closed cases and coordinators' overrides.
    "router-model-training": {
        "task": "routing.train_router_model",
        "schedule": ROUTER_TRAINING_INTERVAL,
        "options": {"expires": ROUTER_TRAINING_INTERVAL},
    },
}
