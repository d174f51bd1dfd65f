# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Redis dies while companies are filing questions: nothing is lost, nothing crashes.

A Redis of this test's own (cache and broker) is started, questions are filed through the form
and the API, Redis is killed with SIGKILL (its queue is lost: no persistence), more questions
are filed, Redis is started again and a real worker with beat sends the receipts. Every question
is saved, every receipt is sent exactly once, no request gets a 5xx. The numbers are printed
(``-s``) for docs/reliability.md.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from rest_framework.test import APIClient

from exportcentrum.celery import app as celery_app
from routing.models import Case, OutboxMessage
from tests.conftest import require, wait_for
from tests.routing.conftest import switch_broker
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    api_question_payload,
    question_payload,
)

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

REDIS_SERVER = Path("/usr/bin/redis-server")
# Questions per channel (form, API) and phase (before and during the outage): 4 × N in all.
# The suite files 100; docs/reliability.md's run sets REDIS_OUTAGE_QUESTIONS=100 (400 in all).
N = int(os.environ.get("REDIS_OUTAGE_QUESTIONS", "25"))
FORM_URL = "/fraga/"
API_URL = "/api/v1/questions/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A redis-server on a free port, without persistence: a SIGKILL loses everything in it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command
            [str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_for(answers, timeout=10, message="redis-server did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def queued(self) -> int:
        return redis.Redis.from_url(self.url).llen("celery")


@pytest.fixture
def own_redis(tmp_path, settings):
    """The web process's cache and Celery broker on a Redis of this test's own."""
    require(REDIS_SERVER.exists(), "redis-server is not installed")
    server = OwnRedis(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {"BACKEND": "exportcentrum.cache.ResilientRedisCache", "LOCATION": server.url}
    }
    original_broker = celery_app.conf.broker_url
    switch_broker(celery_app, server.url)
    yield server
    server.kill()
    switch_broker(celery_app, original_broker)


def mails_to(folder: Path, addresses: list[str]) -> dict[str, int]:
    """How many mails went to each address (the file backend writes one file per mail)."""
    texts = [f.read_text(errors="replace") for f in folder.iterdir()] if folder.exists() else []
    return {to: sum(f"\nTo: {to}\n" in text for text in texts) for to in addresses}


def file_questions(phase: str, *, same_client: bool) -> tuple[list[int], float, float]:
    """N questions through the form and N through the API; their status codes, the slowest
    request and the mean in seconds. Before the outage every question comes from its own address
    (the limits would stop one address); during it all come from one, which the limits,
    their counters out of reach, let through."""
    from django.test import Client

    form, api = Client(), APIClient()
    codes, slowest = [], 0.0
    phase_started = time.monotonic()
    for i in range(N):
        address = "198.51.100.7" if same_client else f"192.0.2.{i + 1}"
        started = time.monotonic()
        codes.append(
            form.post(
                FORM_URL, question_payload(email=f"form.{phase}.{i}@example.se"),
                REMOTE_ADDR=address,
            ).status_code
        )  # fmt: skip
        codes.append(
            api.post(
                API_URL, api_question_payload(email=f"api.{phase}.{i}@example.se"),
                format="json", REMOTE_ADDR=address,
            ).status_code
        )  # fmt: skip
        slowest = max(slowest, (time.monotonic() - started) / 2)
    return codes, slowest, (time.monotonic() - phase_started) / (2 * N)


def test_questions_filed_while_redis_is_killed_are_saved_and_answered_once(
    reference_data, people, own_redis, start_worker, tmp_path, during_working_hours
):
    before, slowest_before, mean_before = file_questions("before", same_client=False)
    assert sorted(set(before)) == [201, 302], before
    # The receipts and the handlers' new-case notices were handed to the broker; no worker yet.
    assert own_redis.queued() == 2 * 2 * N

    own_redis.kill()  # the queued receipts are lost with it
    during, slowest_during, mean_during = file_questions("during", same_client=True)
    assert sorted(set(during)) == [201, 302], during
    # Publishing fails fast: with reconnect attempts each question cost 0.65 s more.
    assert mean_during < 0.6

    own_redis.start()  # empty: nothing survived
    assert own_redis.queued() == 0
    worker = start_worker(
        env={
            "CELERY_BROKER_URL": own_redis.url,
            "REDIS_URL": own_redis.url,
            "OUTBOX_RESEND_INTERVAL_SECONDS": "1",
        },
        beat=True,
    )
    receipts = OutboxMessage.objects.filter(kind="receipt")
    wait_for(
        lambda: receipts.filter(state=OutboxMessage.State.SENT).count() == 4 * N,
        timeout=120,
        message=f"receipts were not all sent:\n{worker.log()}",
    )

    addresses = list(Case.objects.values_list("email", flat=True))
    assert len(set(addresses)) == 4 * N  # every question saved
    assert receipts.count() == 4 * N
    assert set(receipts.values_list("attempts", flat=True)) == {1}  # each sent on its first try
    # The mail file is written inside the sending transaction; wait for the last commit.
    mail = tmp_path / "mail"
    wait_for(lambda: sum(mails_to(mail, addresses).values()) >= 4 * N, timeout=30)
    assert set(mails_to(mail, addresses).values()) == {1}  # exactly once each
    print(
        f"\nRedis outage: {len(addresses)} cases saved, {receipts.count()} receipts sent once, "
        f"{sum(code >= 500 for code in before + during)} errors; per request mean/slowest "
        f"{mean_before:.3f}/{slowest_before:.3f} s before, "
        f"{mean_during:.3f}/{slowest_during:.3f} s during the outage"
    )
