# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""With only the broker down, filing a question does not wait on reconnect attempts: the
publish after commit fails at once and the receipt waits in the outbox for the re-send."""

from __future__ import annotations

import time

from exportcentrum.celery import app as celery_app
from routing.models import Case, OutboxMessage
from tests.routing.intake_support import _fresh_cache, question_payload  # noqa: F401 - fixtures

QUESTIONS = 10


def test_questions_are_filed_fast_while_the_broker_is_down(
    client, people, settings, dead_broker, django_capture_on_commit_callbacks, during_working_hours
):
    settings.INTAKE_RATE_LIMIT = (100, 600)
    publishing = 0.0
    for n in range(QUESTIONS):
        with django_capture_on_commit_callbacks() as after_commit:
            response = client.post("/fraga/", question_payload(email=f"f{n}@example.se"))
        assert response.status_code == 302
        # The receipt and the handler's notice are published by one callback once committed;
        # it stops at the first refused publish (the re-send task delivers both later).
        assert len(after_commit) == 1
        started = time.monotonic()
        for publish in after_commit:
            publish()
        publishing += time.monotonic() - started
    assert Case.objects.count() == QUESTIONS
    pending = OutboxMessage.objects.filter(kind="receipt", state=OutboxMessage.State.PENDING)
    assert pending.count() == QUESTIONS
    # Fail fast, not by a timed assertion: no publish retry loop and a short connection timeout
    # (with retries each publish took about 0.65 s; docs/reliability.md has the measurement).
    assert celery_app.conf.task_publish_retry is False
    assert celery_app.conf.broker_connection_timeout <= 1
    print(f"{QUESTIONS} publishing callbacks with the broker down took {publishing:.2f} s")
