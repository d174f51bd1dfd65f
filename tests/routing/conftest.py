"""Fixtures of the case-handling tests: reference data for transactional tests, Celery modes."""

from __future__ import annotations

import pytest


def ensure_reference_data() -> None:
    """Transactional tests flush every table, the migration's reference data included; put it back
    (the same loader as the data migration) so people and cases have their counties."""
    from regions.models import ActorType, County, Municipality, PostalCode, Topic
    from regions.reference import load_reference_data

    if not County.objects.exists():
        load_reference_data(County, Municipality, PostalCode, Topic, ActorType)


@pytest.fixture
def reference_data(transactional_db):
    ensure_reference_data()


@pytest.fixture
def eager_celery():
    """Unit tests run tasks in-process; what is Celery's own behaviour runs on a real worker."""
    from exportcentrum.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False


def switch_broker(app, url: str) -> None:
    """Point the app at another broker: close the pooled connections and forget the pools
    (a closed pool refuses to hand out connections, so new ones must be made)."""
    from kombu import pools

    app.pool.force_close_all()
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.fixture
def dead_broker():
    """Point the web process's Celery at a port nobody listens on; call the result to restore."""
    from exportcentrum.celery import app

    original = app.conf.broker_url
    switch_broker(app, "redis://127.0.0.1:1/0")

    def restore():
        switch_broker(app, original)

    yield restore
    restore()
