"""The transactional outbox: the row commits with the change, is sent once, retried with
backoff when the mail server fails, and re-sent by the periodic task once due."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from routing.clock import STOCKHOLM
from routing.models import OutboxMessage
from routing.outbox import (
    MAX_ATTEMPTS,
    OutboxSendError,
    UnsafeHeader,
    email_render,
    outbox_enqueue,
    outbox_enqueue_templated,
    outbox_resend_pending,
    outbox_send,
    retry_delay,
)
from routing.tasks import send_outbox_message
from tests.routing.factories_cases import make_case

NOW = datetime(2026, 6, 3, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dead_smtp(settings):
    """A real SMTP backend against a port nobody listens on: the send genuinely fails."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2


def enqueue(**kwargs) -> OutboxMessage:
    fields = {
        "to": "foretag@example.se",
        "subject": "Tack för din fråga",
        "body_text": "Vi hör av oss.",
        "kind": "receipt",
    }
    return outbox_enqueue(**fields | kwargs)


def test_row_is_written_in_the_callers_transaction_and_dispatched_after_commit(
    db, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = enqueue()
    assert message.state == OutboxMessage.State.PENDING
    assert len(callbacks) == 1

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        enqueue()
        raise Rollback
    assert OutboxMessage.objects.count() == 1


def test_send_marks_sent_and_never_sends_twice(db, frozen):
    message = enqueue()
    assert outbox_send(message.pk) is True
    assert outbox_send(message.pk) is False
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts, message.sent_at) == ("sent", 1, NOW)


def test_staff_messages_are_held_until_working_hours(db):
    saturday_night = datetime(2026, 6, 6, 21, 0, tzinfo=STOCKHOLM)
    with time_machine.travel(saturday_night, tick=False):
        message = enqueue(staff=True)
        assert outbox_send(message.pk) is False
        assert outbox_resend_pending() == 0
    assert message.send_after == datetime(2026, 6, 8, 8, 0, tzinfo=STOCKHOLM)
    assert mail.outbox == []


def test_failed_send_records_the_error_and_backs_off(db, frozen, dead_smtp):
    message = enqueue()
    with pytest.raises(OutboxSendError) as error:
        outbox_send(message.pk)
    assert error.value.retry_in == timedelta(seconds=30)
    message.refresh_from_db()
    assert message.state == "pending"
    assert message.attempts == 1
    assert message.last_error
    assert message.send_after == NOW + timedelta(seconds=30)
    # Not due again until the backoff has passed.
    assert outbox_send(message.pk) is False
    assert [retry_delay(n) for n in (1, 2, 3)] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
    ]
    assert retry_delay(20) == timedelta(hours=1)


def test_gives_up_after_max_attempts(db, frozen, dead_smtp):
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)
    assert outbox_send(message.pk) is False
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", MAX_ATTEMPTS)


def test_a_mail_that_fails_for_good_is_shown_in_the_case_history(people, frozen, dead_smtp):
    case = make_case(office=people.skane_almi_office)
    message = enqueue(case=case, kind="company_message")
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)
    outbox_send(message.pk)
    event = case.events.get(kind="email_failed")
    assert event.internal and event.to_value == "foretag@example.se"
    assert "Tack för din fråga" in event.message and "Error" in event.message
    assert event.data == {"outbox": message.pk, "mail_kind": "company_message"}


def test_task_retries_then_the_periodic_resend_delivers(
    db, frozen, dead_smtp, eager_celery, settings
):
    message = enqueue()
    # Eager Celery runs the retry at once: it finds the row not yet due and leaves it alone.
    send_outbox_message.apply(args=[message.pk], throw=False)
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("pending", 1)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    frozen.shift(timedelta(seconds=29))
    assert outbox_resend_pending() == 0
    frozen.shift(timedelta(seconds=1))
    assert outbox_resend_pending() == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("subject", "stored"),
    [
        ("2 försenade ärenden i länet\n", "2 försenade ärenden i länet"),  # a subject template
        ("Påminnelse\r\n", "Påminnelse"),
        ("  Ett ärende\n  väntar  på kontakt ", "Ett ärende väntar på kontakt"),
    ],
)
def test_subjects_are_stored_and_sent_as_one_line(db, frozen, subject, stored):
    message = enqueue(subject=subject)
    assert message.subject == stored
    # Django's mail refuses a subject with a line break (BadHeaderError): this one is sent.
    assert outbox_send(message.pk) is True
    assert mail.outbox[0].subject == stored


@pytest.mark.parametrize(
    "unsafe",
    [
        {"subject": "Hej\r\nBcc: alla@example.com"},
        {"subject": "Hej\nX-Priority: 1"},
        {"subject": "Hej\x00"},
        {"to": "foretag@example.se\r\nBcc: alla@example.com"},
        {"to": "foretag@example.se, alla@example.com"},
    ],
)
def test_header_injection_is_refused_and_nothing_is_written(db, frozen, unsafe):
    with pytest.raises(UnsafeHeader):
        enqueue(**unsafe)
    assert not OutboxMessage.objects.exists()


def test_templated_mail_renders_subject_text_and_html_in_the_recipients_language(db, frozen):
    context = {"reminders": [{"reference": "REC-2026-000001"}], "overdue": [], "now": NOW}
    swedish = email_render("routing/email/staff_digest", context, language="sv")
    english = email_render("routing/email/staff_digest", context, language="en")
    assert swedish.subject == "Påminnelse: ett ärende väntar på första kontakt"
    assert english.subject == "Reminder: a case is waiting for first contact"
    assert swedish.body_text and swedish.body_html.lstrip().startswith("<")
    message = outbox_enqueue_templated(
        template_base="routing/email/staff_digest",
        context=context,
        to="handlaggare@example.se",
        language="en",
        kind="staff_digest",
    )
    assert (message.subject, message.language) == (english.subject, "en")
