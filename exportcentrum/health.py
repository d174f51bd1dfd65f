"""Health of the parts the portal needs: database, broker, and (later) the escalation sweep."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone


def _database_ok(connection) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    from exportcentrum.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def health_report(connection) -> dict:
    checks = {"database": _database_ok(connection), "broker": _broker_ok()}
    return {
        "ok": all(checks.values()),
        "checks": checks,
        "broker": settings.CELERY_BROKER_URL.split("://")[0],
        "now": timezone.now().isoformat(),
    }
