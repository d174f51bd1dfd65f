# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Intake while a service is down: Redis gone means questions are still saved; PostgreSQL gone
means a clear 503 page and nothing half saved. (The full outage with a real Redis killed and a
real worker is in tests/routing/test_redis_outage_worker.py.)"""

from __future__ import annotations

import logging
import os

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from exportcentrum.cache import ResilientRedisCache
from routing.models import Case, CaseEvent, OutboxMessage
from tests.conftest import require, uses_postgres
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    api_question_payload,
    question_payload,
)

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nobody listens on port 1
FORM_URL = "/fraga/"
API_URL = "/api/v1/questions/"


@pytest.fixture
def redis_down(settings):
    """The web process's cache points at a Redis that is not running."""
    settings.CACHES = {
        "default": {"BACKEND": "exportcentrum.cache.ResilientRedisCache", "LOCATION": DEAD_REDIS}
    }


# --------------------------------------------------------------------------- the cache itself


def test_an_unreachable_redis_answers_as_an_empty_cache(caplog):
    cache = ResilientRedisCache(DEAD_REDIS, {})
    with caplog.at_level(logging.WARNING, logger="exportcentrum.cache"):
        assert cache.get("k", "fallback") == "fallback"
        assert cache.add("k", 1) is True  # limits and their locks fail open
        assert cache.incr("counter") == 1
        assert cache.count_in_window("counter", 60) == 1
        cache.set("k", 1)
        assert cache.delete("k") is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set_many({"a": 1}) == ["a"]
        assert cache.ping() is False
    # One warning, not one per call.
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
    assert cache.available is False  # skipped for a moment after a failure


def test_a_reachable_redis_works_as_usual():
    url = os.environ.get("REDIS_URL", "")
    require(url.startswith("redis://"), "REDIS_URL is not set")
    cache = ResilientRedisCache(url, {"KEY_PREFIX": "outage-test"})
    cache.set("k", {"v": 1}, timeout=30)
    assert cache.get("k") == {"v": 1}
    assert cache.add("k", 2) is False
    assert cache.ping() is True
    cache.delete("k")
    # A limit's counter: one round trip, started with its expiry on the first hit.
    cache.delete("hits")
    assert [cache.count_in_window("hits", 30) for _ in range(3)] == [1, 2, 3]
    assert 0 < cache._cache.get_client().ttl(cache.make_key("hits")) <= 30
    # One redis.Redis per connection pool, not one per operation.
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    cache.delete("hits")


# --------------------------------------------------------------------------- intake without Redis


def test_questions_are_saved_while_redis_is_down(client, people, settings, redis_down):
    settings.INTAKE_RATE_LIMIT = (2, 600)
    original_rates = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**original_rates, "questions": "2/hour"}
    try:
        assert client.get(FORM_URL).status_code == 200
        assert client.get("/").status_code == 200
        # More than the limits allow: with their counters unreachable, the limits let them in.
        form = [client.post(FORM_URL, question_payload()).status_code for _ in range(3)]
        api = APIClient()
        api_codes = [
            api.post(API_URL, api_question_payload(), format="json").status_code for _ in range(3)
        ]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original_rates
    assert form == [302, 302, 302]
    assert api_codes == [201, 201, 201]
    assert Case.objects.count() == 6
    # Each receipt waits in the outbox for the worker.
    assert OutboxMessage.objects.filter(kind="receipt").count() == 6


def test_health_says_the_cache_is_up_when_it_is(client, db):
    require(os.environ.get("REDIS_URL", "").startswith("redis://"), "REDIS_URL is not set")
    assert client.get("/health/").json()["checks"]["cache"] is True


def test_health_says_redis_is_down_without_details(client, db, redis_down):
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["cache"] is False
    assert body["checks"]["database"] is True
    text = response.content.decode().lower()
    assert "refused" not in text and "127.0.0.1" not in text and "error 111" not in text


# --------------------------------------------------------------------------- PostgreSQL down


@pytest.fixture
def refuse_connections(reference_data):
    """Call it and PostgreSQL refuses connections (a port nobody listens on) until the end."""
    require(uses_postgres(), "needs PostgreSQL")
    original_port = connection.settings_dict["PORT"]

    def refuse() -> None:
        connection.close()
        connection.settings_dict["PORT"] = "1"

    yield refuse
    connection.close()
    connection.settings_dict["PORT"] = original_port


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refusing_database_gives_a_503_page_in_both_languages(client, people, refuse_connections):
    # Served as in production: an error outside the view (the staff middleware reading the
    # session) goes to handler500, which answers 503 for a lost database.
    handler = Client(raise_request_exception=False)
    handler.force_login(people.handler)
    refuse_connections()

    response = client.post(FORM_URL, question_payload())
    assert response.status_code == 503
    assert response["Retry-After"]
    html = response.content.decode()
    assert "Försök igen om en stund" in html
    assert "Traceback" not in html and "OperationalError" not in html

    english = client.get(FORM_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Please try again in a moment" in english

    api = APIClient().post(API_URL, api_question_payload(), format="json")
    assert api.status_code == 503
    assert "Försök igen om en stund" in api.json()["detail"]

    # A signed-in handler: the session and the user are read before the view, same page.
    staff = handler.get("/handlaggare/")
    assert staff.status_code == 503
    assert "Försök igen om en stund" in staff.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_while_filing_saves_nothing(client, reference_data, people):
    """PostgreSQL drops the connection between the case row and its receipt: the whole
    question is rolled back and the company is told to send it again."""
    require(uses_postgres(), "needs PostgreSQL")
    import psycopg2

    cfg = connection.settings_dict

    def drop_connection_before_the_receipt(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "routing_outboxmessage"'):
            pid = context["connection"].connection.get_backend_pid()
            other = psycopg2.connect(
                dbname=cfg["NAME"], user=cfg["USER"], host=cfg["HOST"], port=cfg["PORT"] or 5432
            )
            other.autocommit = True
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            other.close()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(drop_connection_before_the_receipt):
        response = client.post(FORM_URL, question_payload())
    assert response.status_code == 503
    assert "Försök igen om en stund" in response.content.decode()
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_a_database_error_outside_a_view_is_a_503_too(rf, db):
    """E.g. saving the session after the view answered: Django's 500 handler gets it."""
    from django.db import OperationalError

    from exportcentrum.errors import server_error

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(rf.get(FORM_URL))
    assert response.status_code == 503
    assert "Försök igen om en stund" in response.content.decode()
