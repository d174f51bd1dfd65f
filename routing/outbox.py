"""Transactional outbox: e-mail rows written with the change, sent by Celery after commit.

Delivery is at-least-once towards the mail server and exactly-once per row in the database:
a row is sent while its lock is held and only while it is pending. A failed attempt pushes
``send_after`` back exponentially, so the task's own retry and the periodic re-send agree on
when the next attempt is due.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.utils import timezone

from routing.clock import staff_notification_time
from routing.models import Case, OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)
RESEND_BATCH = 500
# Dispatched by name: the task module imports this one, never the other way round.
SEND_TASK = "routing.send_outbox_message"


def retry_delay(attempts: int) -> timedelta:
    """Backoff after ``attempts`` failed attempts: 30 s, 1 min, 2 min … capped at 1 h."""
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_CAP)


def outbox_enqueue(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    language: str = "sv",
    kind: str,
    case: Case | None = None,
    send_after: datetime | None = None,
    staff: bool = False,
) -> OutboxMessage:
    """Write the message in the caller's transaction; hand it to a worker once committed.

    ``staff=True`` holds the message until working hours (``clock.staff_notification_time``).
    If the broker is down the row stays pending and the periodic re-send picks it up.
    """
    now = timezone.now()
    send_after = send_after or now
    if staff:
        send_after = staff_notification_time(send_after)
    message = OutboxMessage.objects.create(
        to=to,
        subject=" ".join(subject.split())[:300],
        body_text=body_text,
        body_html=body_html,
        language=language,
        kind=kind,
        case=case,
        created_at=now,
        send_after=send_after,
    )
    if message.send_after <= now:
        outbox_dispatch_on_commit([message.pk])
    return message


def outbox_dispatch_on_commit(message_ids: list[int]) -> None:
    """Queue send tasks after the surrounding transaction commits (never before)."""
    if message_ids:
        transaction.on_commit(lambda: _dispatch(list(message_ids)))


def _dispatch(message_ids: list[int]) -> int:
    """Hand ids to the broker; a broker outage only delays mail (the re-send task retries)."""
    dispatched = 0
    for message_id in message_ids:
        try:
            current_app.signature(SEND_TASK, args=(message_id,)).delay()
        except Exception:  # broker down: the periodic re-send will deliver it
            log.warning("Broker unavailable; outbox message %s left for re-send", message_id)
            break
        dispatched += 1
    return dispatched


class OutboxSendError(Exception):
    """Sending failed; the row is pending again with a later ``send_after``."""

    def __init__(self, message_id: int, retry_in: timedelta, cause: Exception):
        super().__init__(f"outbox message {message_id}: {cause!r}")
        self.retry_in = retry_in


def outbox_send(message_id: int, *, now: datetime | None = None) -> bool:
    """Send one pending, due message exactly once. True if it was sent by this call.

    Raises ``OutboxSendError`` after recording the failure (attempts, last_error, next
    ``send_after``); after ``MAX_ATTEMPTS`` the row is marked failed and nothing is raised.
    """
    now = now or timezone.now()
    failure: OutboxSendError | None = None
    sent = False
    with transaction.atomic():
        queryset = OutboxMessage.objects.filter(
            pk=message_id, state=OutboxMessage.State.PENDING, send_after__lte=now
        )
        if connection.features.has_select_for_update_skip_locked:
            # Another worker holding the row is sending it right now.
            queryset = queryset.select_for_update(skip_locked=True)
        message = queryset.first()
        if message is None:
            return False
        message.attempts += 1
        try:
            email = EmailMultiAlternatives(
                message.subject,
                message.body_text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
            )
            if message.body_html:
                email.attach_alternative(message.body_html, "text/html")
            email.send()
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            delay = retry_delay(message.attempts)
            if message.attempts >= MAX_ATTEMPTS:
                message.state = OutboxMessage.State.FAILED
                log.error("Outbox message %s failed for good: %s", message.pk, exc)
            else:
                message.send_after = now + delay
                failure = OutboxSendError(message.pk, delay, exc)
            message.save(update_fields=["attempts", "last_error", "send_after", "state"])
        else:
            message.state = OutboxMessage.State.SENT
            message.sent_at = timezone.now()
            message.save(update_fields=["state", "sent_at", "attempts"])
            sent = True
    if failure is not None:
        raise failure
    return sent


def outbox_resend_pending(*, now: datetime | None = None, batch: int = RESEND_BATCH) -> int:
    """Dispatch pending rows whose ``send_after`` has passed; returns how many were queued.

    Reads through the partial index ``outbox_pending``. Duplicated dispatches are harmless:
    ``outbox_send`` sends a row only once.
    """
    now = now or timezone.now()
    ids = list(
        OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, send_after__lte=now)
        .order_by("send_after")
        .values_list("pk", flat=True)[:batch]
    )
    return _dispatch(ids)
