"""What is Celery's own behaviour, on a real worker with beat against the real Redis:
an overdue case escalated and its e-mail sent; mail filed during a broker outage delivered."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from routing.models import EscalationRecord, OutboxMessage
from routing.outbox import outbox_enqueue
from tests.conftest import wait_for
from tests.routing.factories_cases import make_case

pytestmark = [pytest.mark.worker]

FAST_BEAT = {"SWEEP_INTERVAL_SECONDS": "1", "OUTBOX_RESEND_INTERVAL_SECONDS": "1"}


def mail_texts(tmp_path: Path) -> str:
    folder = tmp_path / "mail"
    if not folder.exists():
        return ""
    return "\n".join(f.read_text(errors="replace") for f in sorted(folder.iterdir()))


def test_beat_sweeps_an_overdue_case_and_its_mail_is_sent(
    reference_data, people, start_worker, redis_url, tmp_path
):
    case = make_case(
        office=people.skane_almi_office, submitted_at=timezone.now() - timedelta(days=10)
    )
    worker = start_worker(env={"CELERY_BROKER_URL": redis_url, **FAST_BEAT}, beat=True)

    wait_for(
        lambda: EscalationRecord.objects.filter(case=case).count() == 3,
        timeout=60,
        message=f"beat never swept the case:\n{worker.log()}",
    )
    case.refresh_from_db()
    assert case.escalation_level == 3
    digest = OutboxMessage.objects.get(to="samordnare.skane@example.se")
    # Staff mail is held outside working hours; let that time pass for the held row, and the
    # periodic re-send (not this test) delivers it.
    OutboxMessage.objects.filter(pk=digest.pk, send_after__gt=timezone.now()).update(
        send_after=timezone.now() - timedelta(seconds=1)
    )
    # The file is written inside the sending transaction; wait for the commit too.
    wait_for(
        lambda: (
            OutboxMessage.objects.filter(pk=digest.pk, state=OutboxMessage.State.SENT).exists()
            and case.reference in mail_texts(tmp_path)
        ),
        timeout=60,
        message=f"the digest never reached the mail folder:\n{worker.log()}",
    )
    digest.refresh_from_db()
    assert digest.state == OutboxMessage.State.SENT
    assert "samordnare.skane@example.se" in mail_texts(tmp_path)
    # Exactly once, although the beat kept sweeping every second.
    assert EscalationRecord.objects.filter(case=case).count() == 3
    assert OutboxMessage.objects.filter(to="samordnare.skane@example.se").count() == 1


def test_mail_filed_while_the_broker_is_down_goes_out_once_it_is_back(
    reference_data, people, dead_broker, start_worker, redis_url, tmp_path
):
    # The question is accepted: the case and its receipt commit although the broker is down.
    with transaction.atomic():
        case = make_case(office=people.skane_almi_office)
        outbox_enqueue(
            to=case.email,
            subject=f"Vi har tagit emot din fråga {case.reference}",
            body_text=f"Ärende {case.reference}",
            kind="receipt",
            case=case,
        )
    message = OutboxMessage.objects.get(case=case)
    assert message.state == OutboxMessage.State.PENDING
    assert mail_texts(tmp_path) == ""

    dead_broker()  # the broker is back
    worker = start_worker(env={"CELERY_BROKER_URL": redis_url, **FAST_BEAT}, beat=True)
    wait_for(
        lambda: (
            OutboxMessage.objects.filter(pk=message.pk, state=OutboxMessage.State.SENT).exists()
            and case.reference in mail_texts(tmp_path)
        ),
        timeout=60,
        message=f"the receipt was never re-sent:\n{worker.log()}",
    )
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert message.attempts == 1
