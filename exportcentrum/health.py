"""Health of the parts the portal needs: database, broker, cache and the escalation sweep.

Each check answers yes or no; no exception text reaches the public page (it would tell an
attacker host names and versions). Details go to the log.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from exportcentrum.celery import app
from routing.escalation import sweep_health

log = logging.getLogger(__name__)


def _database_ok(connection) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def _cache_ok() -> bool:
    """Whether the shared cache answers. The portal keeps working without it (it fails open),
    but limits, throttles and rule-change notices between processes are off meanwhile."""
    ping = getattr(cache, "ping", None)
    if ping is not None:  # ResilientRedisCache: its other operations never raise
        return ping()
    probe = f"health:probe:{uuid.uuid4().hex}"
    try:
        cache.set(probe, 1, timeout=10)
        ok = cache.get(probe) == 1
        cache.delete(probe)
        return ok
    except Exception:
        log.warning("Cache health probe failed", exc_info=True)
        return False


def _sweep_report(now) -> dict:
    """Watch the watcher: when the escalation sweep last ran, and whether that is too long ago."""
    try:
        health = sweep_health(now)
    except Exception:
        return {"ok": False, "last_started_at": None, "age_seconds": None, "stale": True}
    last = health.last
    return {
        "ok": not health.stale,
        "last_started_at": last.started_at.isoformat() if last else None,
        "last_finished_at": last.finished_at.isoformat() if last and last.finished_at else None,
        "age_seconds": round(health.age.total_seconds()) if health.age is not None else None,
        "stale": health.stale,
        "stale_after_seconds": round(settings.SWEEP_STALE_AFTER.total_seconds()),
        "last_error": last.error if last else "",
        "audit_problems": health.audit_problems,
    }


def health_report(connection) -> dict:
    now = timezone.now()
    database = _database_ok(connection)
    sweep = _sweep_report(now) if database else {"ok": False, "stale": True}
    checks = {
        "database": database,
        "broker": _broker_ok(),
        "cache": _cache_ok(),
        "sweep": sweep["ok"],
    }
    return {
        "ok": all(checks.values()),
        "checks": checks,
        "broker": settings.CELERY_BROKER_URL.split("://")[0],
        "sweep": sweep,
        "now": now.isoformat(),
    }


def public_health(report: dict) -> dict:
    """The report without exception text or case details: /health/ answers anyone.

    The sweep's last error and its audit findings stay for signed-in admins (and the logs);
    the public sees whether each part is up and how many audit problems there are.
    """
    sweep = dict(report.get("sweep", {}))
    if sweep.get("last_error"):
        sweep["last_error"] = "error"
    if "audit_problems" in sweep:
        sweep["audit_problems"] = len(sweep["audit_problems"] or [])
    return {**report, "sweep": sweep}
