"""Fixtures of the case-handling tests: reference data for transactional tests, Celery modes."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from routing.clock import STOCKHOLM

#: 10:00 on Wednesday 3 June 2026, an ordinary working week (6 June, the national day, is a
#: Saturday): the case-handling tests' "now".
WEDNESDAY = datetime(2026, 6, 3, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def frozen():
    """The clock stands at ``WEDNESDAY``; ``frozen.shift(...)`` moves it."""
    with time_machine.travel(WEDNESDAY, tick=False) as traveller:
        yield traveller


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


@pytest.fixture(scope="session")
def trained_router():
    """One router model for the session: corpus and rule keywords, no history (no database).
    Training takes a while on this machine; every test that needs a model shares this one."""
    from routing.learning.training import corpus_examples, train, training_examples

    return train(training_examples(with_history=False), heldout=corpus_examples("heldout"))


@pytest.fixture(autouse=True)
def _no_router_model_between_tests():
    """The process keeps the active model for a few seconds; a test's model must not route
    the next test's questions."""
    from routing.learning import store

    store._process_cache.clear()
    yield
    store._process_cache.clear()


@pytest.fixture
def active_router(trained_router, django_capture_on_commit_callbacks):
    """The session's model stored and active, as ``train_router`` leaves it."""
    from routing.learning.store import router_model_create

    with django_capture_on_commit_callbacks(execute=True):
        return router_model_create(result=trained_router)
