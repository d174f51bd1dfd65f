"""schemathesis against /api/schema/: generated requests to every operation, anonymous and
signed in, and no server error (issue 15 §2). In-process through the WSGI app, on the test
database; bounded by MAX_EXAMPLES per operation so it stays well under a minute or two."""

from __future__ import annotations

import contextlib

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from exportcentrum.wsgi import application

MAX_EXAMPLES = 25


@pytest.fixture
def api_schema(db):
    # As Django's test client does: a request must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _session_cookie(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def _no_server_error(operation, cookies: dict[str, str]) -> int:
    """Run MAX_EXAMPLES generated cases of one operation; return how many were sent."""
    sent = []

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case):
        cache.clear()  # throttles and rate limits must not hide what the view would do
        response = case.call(cookies=cookies)
        sent.append(response.status_code)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} {case.query} {case.body!r}: "
            f"{response.status_code} {response.text[:300]}"
        )

    # An operation without generatable input (none today) is not a server error.
    with contextlib.suppress(Unsatisfiable):
        check()
    return len(sent)


@pytest.mark.parametrize("who", ["anonymous", "coordinator", "national"])
def test_no_api_operation_answers_a_server_error(api_schema, people, who):
    cookies = {} if who == "anonymous" else _session_cookie(getattr(people, who))
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 6  # questions, status, topics, counties, actors, indicators
    sent = sum(_no_server_error(operation, cookies) for operation in operations)
    print(f"schemathesis as {who}: {len(operations)} operations, {sent} requests, no 5xx")  # noqa: T201
    assert sent >= len(operations)
