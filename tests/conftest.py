"""Shared fixtures: the people of DESIGN §8, a real Celery worker, CI's no-skip rule."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ON_CI = os.environ.get("CI", "").lower() == "true"
pytest_plugins = ["tests.people"]


def _port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def pytest_configure(config):
    """On CI the real services are required: a missing one fails the run instead of skipping."""
    if not ON_CI:
        return
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        problems.append("CI=true needs DATABASE_URL pointing at PostgreSQL")
    elif not _port_open(database_url, 5432):
        problems.append(f"PostgreSQL is not reachable at {database_url}")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url.startswith("redis://"):
        problems.append("CI=true needs REDIS_URL")
    elif not _port_open(redis_url, 6379):
        problems.append(f"Redis is not reachable at {redis_url}")
    if not Path("/usr/bin/chromium").exists():
        problems.append("CI=true needs /usr/bin/chromium for the browser tests")
    if problems:
        raise pytest.UsageError("; ".join(problems))


def require(condition: bool, reason: str) -> None:
    """Skip locally when a service is missing; on CI that is a failure."""
    if condition:
        return
    if ON_CI:
        pytest.fail(f"{reason} (CI=true: required, not skipped)")
    pytest.skip(reason)


def database_url_for_subprocess(connection) -> str:
    """The URL of the *test* database, so another process works on the same rows."""
    cfg = connection.settings_dict
    if cfg["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{cfg['NAME']}"
    auth = cfg["USER"] or ""
    if cfg["PASSWORD"]:
        auth += f":{cfg['PASSWORD']}"
    host = cfg["HOST"] or "localhost"
    port = cfg["PORT"] or 5432
    return f"postgresql://{auth}@{host}:{port}/{cfg['NAME']}"


class WorkerProcess:
    """A started worker, and beat when asked for, as separate processes like in production."""

    def __init__(self) -> None:
        self.processes: list[tuple[subprocess.Popen, Path]] = []

    def log(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for _process, path in self.processes if path.exists()
        )

    def spawn(self, cmd: list[str], *, env: dict, log_path: Path, ready: str, timeout: float):
        with log_path.open("w") as log:
            process = subprocess.Popen(  # noqa: S603 - our own fixed command
                cmd, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append((process, log_path))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready in log_path.read_text(errors="replace"):
                return
            if process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"{cmd[4]} did not start:\n{self.log()}")

    def stop(self) -> None:
        for process, _path in self.processes:
            process.terminate()
        for process, _path in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def start_worker(tmp_path):
    """Start a real Celery worker (and a separate beat process) against the test database.

    Call it with environment overrides (e.g. the broker URL); processes stop at teardown.
    Beat runs in its own process, as in production, not embedded in the worker.
    """
    from django.db import connection

    started: list[WorkerProcess] = []

    def start(
        *, env: dict[str, str] | None = None, beat: bool = False, ready_timeout: float = 30
    ) -> WorkerProcess:
        full_env = {
            **os.environ,
            "DATABASE_URL": database_url_for_subprocess(connection),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
            "DB_CONN_MAX_AGE": "0",
            **(env or {}),
        }
        n = len(started)
        celery = [sys.executable, "-m", "celery", "-A", "exportcentrum"]
        worker = WorkerProcess()
        started.append(worker)
        worker.spawn(
            [*celery, "worker", "--pool=solo", "--loglevel=INFO", "--without-gossip",
             "--without-mingle", f"--hostname=test{n}@%h"],
            env=full_env, log_path=tmp_path / f"celery-worker-{n}.log", ready="ready.",
            timeout=ready_timeout,
        )  # fmt: skip
        if beat:
            worker.spawn(
                [*celery, "beat", "--loglevel=INFO", f"--schedule={tmp_path / f'beat-{n}'}"],
                env=full_env, log_path=tmp_path / f"celery-beat-{n}.log",
                ready="beat: Starting...", timeout=ready_timeout,
            )  # fmt: skip
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.2, message: str = ""):
    """Poll until predicate() is truthy (used only to wait for another process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(message or "condition not met in time")


def ensure_reference_data() -> None:
    """Put back what the data migrations loaded (same loaders), if missing: counties,
    municipalities, postal codes, topics, actor types and the default national routing rules."""
    import importlib

    from django.apps import apps

    from regions.models import ActorType, County, Municipality, PostalCode, Topic
    from regions.reference import load_reference_data
    from routing.models import RoutingRule

    if not PostalCode.objects.exists():
        load_reference_data(County, Municipality, PostalCode, Topic, ActorType)
    if not RoutingRule.objects.exists():
        migration = importlib.import_module("routing.migrations.0003_default_national_rules")
        migration.load_defaults(apps, None)


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests: the migrations' data, whatever ran before."""
    ensure_reference_data()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Transactional tests (live server, real workers) end by flushing every table, the
    migration's reference data included. Once all fixtures are torn down, put it back so later
    tests find their counties."""
    result = yield
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if nextitem is not None and (  # after the last test the test database is gone
        "transactional_db" in fixtures
        or "live_server" in fixtures
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            ensure_reference_data()
    return result


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: counters of one test (form limit, throttles, the
    receipt cap per address) must not hold back another. Nor the version stamps a request read
    (regions.versions): a streamed response left unread never finishes its request."""
    from django.core.cache import cache

    from regions.versions import request_ends

    cache.clear()
    request_ends()


@pytest.fixture
def during_working_hours():
    """A Tuesday morning in Stockholm, the clock running on from there. Staff mail is held
    outside working hours (``clock.staff_notification_time``); a test that counts the mail
    handed to the broker at filing time must not depend on when CI happens to run it."""
    import time_machine

    tuesday_morning = datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    with time_machine.travel(tuesday_morning, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _swedish_to_start_with():
    """Every test starts in the portal's default language. A request through the test client
    leaves the thread in the language it chose (LocaleMiddleware does not switch back), so a
    test after an English page got English messages from code it called directly."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Overridable so two suites (e.g. the two Python/Django pairs) can run side by side.
WORKER_TEST_REDIS_DB = int(os.environ.get("WORKER_TEST_REDIS_DB", "14"))


@pytest.fixture
def redis_url() -> str:
    """The real Redis, in a database of its own that is emptied first: messages that earlier
    tests left on the broker must not reach this test's worker."""
    import redis

    base = os.environ.get("REDIS_URL") or ("" if ON_CI else "redis://127.0.0.1:6379/0")
    require(bool(base) and _port_open(base, 6379), "Redis is not running")
    url = urlparse(base)._replace(path=f"/{WORKER_TEST_REDIS_DB}").geturl()
    redis.Redis.from_url(url).flushdb()
    return url


def uses_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
