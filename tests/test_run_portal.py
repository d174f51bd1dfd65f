"""run_portal gives web and worker the address it serves, so links in e-mails open, and stops
all three processes however it is stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from exportcentrum.management.commands.run_portal import portal_base_url


def test_the_links_point_at_the_port_served(monkeypatch):
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    assert portal_base_url("127.0.0.1", 8123) == "http://127.0.0.1:8123"
    assert portal_base_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"  # noqa: S104


def test_an_address_set_on_purpose_wins(monkeypatch):
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example.se/")
    assert portal_base_url("127.0.0.1", 8123) == "https://portal.example.se"


@pytest.mark.skipif(os.name != "posix", reason="signals and /proc")
def test_sigterm_stops_web_worker_and_beat_too(tmp_path):
    """Found by hand: `kill` (or `timeout`, a service manager) left the three running."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))
    }
    # Its own SQLite file and file broker: no test database or Redis is touched.
    env.update(VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    portal = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "run_portal", "--port", str(port)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children_file = Path(f"/proc/{portal.pid}/task/{portal.pid}/children")
    children: list[int] = []
    deadline = time.monotonic() + 60
    while len(children) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
        children = [int(pid) for pid in children_file.read_text().split()]
    try:
        assert len(children) == 3  # web, worker, beat
        portal.send_signal(signal.SIGTERM)
        assert portal.wait(timeout=30) is not None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(pid) for pid in children):
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in children)
    finally:
        for pid in [*children, portal.pid]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent's wait counts as stopped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
