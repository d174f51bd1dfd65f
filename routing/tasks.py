"""Celery tasks: thin, idempotent wrappers that take ids and call services."""

from __future__ import annotations

import socket
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from routing.escalation import escalation_audit, escalation_sweep, national_digest
from routing.models import WorkerPing
from routing.outbox import (
    MAX_ATTEMPTS,
    SEND_TASK,
    OutboxSendError,
    outbox_resend_pending,
    outbox_send,
)


@shared_task(name="routing.worker_ping")
def worker_ping(nonce: str, sent_at: str) -> None:
    """Proves a worker consumes from the broker; idempotent per nonce."""
    WorkerPing.objects.get_or_create(
        nonce=nonce,
        defaults={
            "sent_at": datetime.fromisoformat(sent_at),
            "received_at": timezone.now(),
            "hostname": socket.gethostname(),
        },
    )


@shared_task(name=SEND_TASK, bind=True, max_retries=None)
def send_outbox_message(self, message_id: int) -> None:
    """Send one outbox row; on failure retry after the row's own backoff delay."""
    try:
        outbox_send(message_id)
    except OutboxSendError as exc:
        # The row already carries attempts and the next send_after; the periodic re-send
        # would also pick it up, and whichever comes first sends it (the other finds it sent).
        if self.request.retries < MAX_ATTEMPTS:
            raise self.retry(countdown=exc.retry_in.total_seconds(), exc=exc) from exc


@shared_task(name="routing.outbox_resend_pending")
def outbox_resend_pending_task() -> int:
    return outbox_resend_pending()


@shared_task(name="routing.escalation_sweep")
def escalation_sweep_task() -> int:
    return escalation_sweep().pk


@shared_task(name="routing.escalation_audit")
def escalation_audit_task() -> int:
    return escalation_audit().pk


@shared_task(name="routing.national_digest")
def national_digest_task() -> int | None:
    run = national_digest()
    return run.pk if run else None


@shared_task(name="routing.train_router_model")
def train_router_model_task() -> int:
    """Nightly: learn from the day's closed cases and overrides. Each run stores a new version."""
    from routing.learning.services import router_model_train

    return router_model_train().version
