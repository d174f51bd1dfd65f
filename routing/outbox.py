"""Transactional outbox: e-mail rows written with the change, sent by Celery after commit.

Delivery is at-least-once towards the mail server and exactly-once per row in the database:
a row is sent while its lock is held and only while it is pending. A failed attempt pushes
``send_after`` back exponentially, so the task's own retry and the periodic re-send agree on
when the next attempt is due.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from routing.clock import staff_notification_time
from routing.events import EventKind, case_event_add
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


#: ``OutboxMessage.subject``'s length.
SUBJECT_MAX_LENGTH = 300
# A line break followed by "Name:" is a header someone tried to smuggle into the message.
_SMUGGLED_HEADER = re.compile(r"[\r\n]\s*[A-Za-z0-9-]+\s*:")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnsafeHeader(ValueError):
    """A subject or address that would add or break mail headers; nothing was written."""


@dataclass(frozen=True)
class RenderedEmail:
    """Subject, plain text and HTML of one e-mail, ready for the outbox."""

    subject: str
    body_text: str
    body_html: str = ""


def clean_subject(subject: str) -> str:
    """One line: runs of whitespace, line breaks included, become one space.

    Subject templates end in a newline, and Django's mail refuses (``BadHeaderError``) a
    subject with a line break, so an unnormalised subject never leaves the outbox. A line
    break followed by ``Name:`` is an attempt to add a header and is refused instead.
    """
    if _SMUGGLED_HEADER.search(subject.strip()) or _CONTROL.search(subject):
        raise UnsafeHeader(f"unsafe e-mail subject {subject[:80]!r}")
    return " ".join(subject.split())[:SUBJECT_MAX_LENGTH]


def clean_address(address: str) -> str:
    """One address, no line breaks, control characters or address lists."""
    address = address.strip()
    if not address or _CONTROL.search(address) or any(c in address for c in "\r\n,;"):
        raise UnsafeHeader(f"unsafe e-mail address {address[:80]!r}")
    return address


def _render_plain(template_name: str, context: dict[str, Any]) -> str:
    """A text template rendered without HTML escaping: a plain-text mail is not HTML, and
    "Svensson & Söner" must not arrive as "Svensson &amp; Söner"."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def email_render(template_base: str, context: dict[str, Any], *, language: str) -> RenderedEmail:
    """Render ``<base>_subject.txt``, ``<base>.txt`` (both as plain text) and ``<base>.html``
    (escaped) in ``language``."""
    with translation.override(language):
        return RenderedEmail(
            subject=clean_subject(_render_plain(f"{template_base}_subject.txt", context)),
            body_text=_render_plain(f"{template_base}.txt", context),
            body_html=render_to_string(f"{template_base}.html", context),
        )


def outbox_build(
    messages: Iterable[tuple[str, RenderedEmail]],
    *,
    language: str,
    kind: str,
    case: Case | None = None,
    now: datetime | None = None,
    send_after: datetime | None = None,
    staff: bool = False,
    reply_to: str = "",
) -> list[OutboxMessage]:
    """Unsaved outbox rows for ``(address, e-mail)`` pairs; ``outbox_save`` writes them. Every
    outbox row is built here, so every subject and address is clean.

    ``staff=True`` holds the messages until working hours (``clock.staff_notification_time``).
    ``reply_to`` (optional) becomes every row's Reply-To header.
    Raises ``UnsafeHeader`` (before anything is written) for an unsafe subject or address.
    """
    now = now or timezone.now()
    reply_to = clean_address(reply_to) if reply_to else ""
    send_after = send_after or now
    if staff:
        send_after = staff_notification_time(send_after)
    return [
        OutboxMessage(
            to=clean_address(address),
            reply_to=reply_to,
            subject=clean_subject(email.subject),
            body_text=email.body_text,
            body_html=email.body_html,
            language=language,
            kind=kind,
            case=case,
            created_at=now,
            send_after=send_after,
        )
        for address, email in messages
    ]


def outbox_save(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Write built rows in the caller's transaction, in one INSERT; hand those due now to a
    worker once committed. If the broker is down the rows stay pending and the periodic
    re-send picks them up."""
    created = OutboxMessage.objects.bulk_create(rows) if rows else []
    now = timezone.now()
    outbox_dispatch_on_commit([m.pk for m in created if m.pk and m.send_after <= now])
    return created


def outbox_write(messages: Iterable[tuple[str, RenderedEmail]], **options) -> list[OutboxMessage]:
    """Build (``outbox_build``, same options) and save (``outbox_save``) outbox rows."""
    return outbox_save(outbox_build(messages, **options))


def outbox_build_templated(
    *,
    template_base: str,
    context: dict[str, Any],
    to: str,
    language: str,
    kind: str,
    case: Case | None = None,
    send_after: datetime | None = None,
    staff: bool = False,
    reply_to: str = "",
) -> OutboxMessage:
    """The unsaved row of the e-mail ``template_base`` (see ``email_render``) in ``language``."""
    email = email_render(template_base, context, language=language)
    [message] = outbox_build(
        [(to, email)],
        language=language,
        kind=kind,
        case=case,
        send_after=send_after,
        staff=staff,
        reply_to=reply_to,
    )
    return message


def outbox_enqueue_templated(**options) -> OutboxMessage:
    """Render the e-mail (``outbox_build_templated``, same options) and queue it."""
    [message] = outbox_save([outbox_build_templated(**options)])
    return message


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
    """Queue one already-written e-mail (prefer ``outbox_enqueue_templated``)."""
    [message] = outbox_write(
        [(to, RenderedEmail(subject, body_text, body_html))],
        language=language,
        kind=kind,
        case=case,
        send_after=send_after,
        staff=staff,
    )
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
                reply_to=[message.reply_to] if message.reply_to else None,
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
                _record_failure_in_case_history(message)
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


def _record_failure_in_case_history(message: OutboxMessage) -> None:
    """Staff see in the case's history that a mail about it never left (not only the log)."""
    if message.case_id is None:
        return
    case_event_add(
        case=message.case,
        kind=EventKind.EMAIL_FAILED,
        to_value=message.to,
        message=f"{message.subject}\n\n{message.last_error}",
        internal=True,
        data={"outbox": message.pk, "mail_kind": message.kind},
    )


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
