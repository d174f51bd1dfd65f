"""Transactional outbox: e-mail rows written with the change, sent by Celery after commit."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from routing.models import Case, OutboxMessage

log = logging.getLogger(__name__)


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
) -> OutboxMessage:
    """Write the message in the caller's transaction; hand it to a worker once committed.

    If the broker is down the row stays pending and the periodic re-send picks it up.
    """
    now = timezone.now()
    message = OutboxMessage.objects.create(
        to=to,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        language=language,
        kind=kind,
        case=case,
        created_at=now,
        send_after=send_after or now,
    )
    if message.send_after <= now:
        transaction.on_commit(lambda: _dispatch(message.pk))
    return message


def _dispatch(message_id: int) -> None:
    from routing.tasks import send_outbox_message

    try:
        send_outbox_message.delay(message_id)
    except Exception:  # broker down: the periodic re-send will deliver it
        log.warning("Broker unavailable; outbox message %s left for re-send", message_id)


def outbox_send(message_id: int) -> bool:
    """Send one pending message exactly once (row lock + state check). True if sent now."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, state=OutboxMessage.State.PENDING)
            .first()
        )
        if message is None:
            return False
        email = EmailMultiAlternatives(message.subject, message.body_text, to=[message.to])
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        email.send()
        message.state = OutboxMessage.State.SENT
        message.sent_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["state", "sent_at", "attempts"])
    return True
