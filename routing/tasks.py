"""Celery tasks: thin, idempotent wrappers that take ids and call services."""

from __future__ import annotations

import socket
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from routing.models import WorkerPing


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


@shared_task(name="routing.send_outbox_message")
def send_outbox_message(message_id: int) -> None:
    from routing.outbox import outbox_send

    outbox_send(message_id)
