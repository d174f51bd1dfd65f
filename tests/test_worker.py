"""A task sent from the web process runs in a separately started Celery worker, in both modes."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from exportcentrum.celery import app
from routing.models import WorkerPing
from tests.conftest import wait_for


def _send_ping(broker_url: str, transport_options: dict) -> str:
    nonce = uuid.uuid4().hex
    with app.connection_for_write(broker_url, transport_options=transport_options) as conn:
        app.send_task(
            "routing.worker_ping", args=[nonce, timezone.now().isoformat()], connection=conn
        )
    return nonce


def _filesystem_broker(tmp_path):
    folders = {name: tmp_path / "broker" / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    env = {"CELERY_BROKER_URL": "filesystem://", "REDIS_URL": "", "VAR_DIR": str(tmp_path / "var")}
    options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
    }
    return env, options


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["embedded", "redis"])
def test_task_sent_from_web_process_runs_in_separate_worker(mode, start_worker, tmp_path, request):
    if mode == "embedded":
        env, options = _filesystem_broker(tmp_path)
        # The worker derives its folders from VAR_DIR: make them the same as ours.
        (tmp_path / "var").mkdir()
        (tmp_path / "var" / "celery-broker").symlink_to(tmp_path / "broker")
        broker_url = "filesystem://"
    else:
        broker_url = request.getfixturevalue("redis_url")
        env, options = {"CELERY_BROKER_URL": broker_url}, {}
    start_worker(env=env)
    nonce = _send_ping(broker_url, options)
    ping = wait_for(
        lambda: WorkerPing.objects.filter(nonce=nonce).first(),
        message="the worker never ran the task",
    )
    assert ping.received_at >= ping.sent_at
