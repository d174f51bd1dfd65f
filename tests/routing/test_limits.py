# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""Client addresses and limits: one helper for the form, the API and the login; the receipt cap.

A forged X-Forwarded-For must not give a client a fresh bucket; behind our own proxy every
client gets its own bucket (not one for the whole country).
"""

from __future__ import annotations

import itertools

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from routing.client_ip import client_bucket, client_ip
from routing.models import Case, OutboxMessage
from tests.routing.intake_support import (  # noqa: F401 - fixtures
    _fresh_cache,
    api_question_payload,
    question_payload,
)

FORM_URL = "/fraga/"
API_URL = "/api/v1/questions/"
LOGIN_URL = "/konto/login/"
PROXY = "10.0.0.2"  # our reverse proxy, as the web process sees it
_forged = (f"203.0.113.{n % 250}, 198.51.100.{n % 250}" for n in itertools.count(1))


def forged_header() -> str:
    """A different made-up X-Forwarded-For chain on every call."""
    return next(_forged)


def _request(remote_addr: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def question_rate_of_two():
    """DRF reads throttle rates once, at import; set "questions" to 2/hour for one test."""
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**original, "questions": "2/hour"}
    yield
    ScopedRateThrottle.THROTTLE_RATES = original


# --------------------------------------------------------------------------- the helper


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("192.0.2.10", "203.0.113.5")) == "192.0.2.10"


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client wrote 6.6.6.6 itself
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),  # fewer hops than proxies: the leftmost is ours
        (1, "not-an-address", PROXY),
        (1, "[2001:db8::1]", "2001:db8::1"),
    ],
)
def test_behind_proxies_the_header_is_read_from_the_right(settings, trusted, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    assert client_ip(_request(PROXY, forwarded)) == expected


def test_ipv6_clients_count_per_64_network(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    one = client_bucket(_request("2001:db8:1:2::10"))
    assert one == client_bucket(_request("2001:db8:1:2:ffff::1")) == "2001:db8:1:2::/64"
    assert client_bucket(_request("2001:db8:1:3::10")) != one
    assert client_bucket(_request("192.0.2.10")) == "192.0.2.10"


# --------------------------------------------------------------------------- the question form


def test_a_forged_header_per_request_does_not_defeat_the_form_limit(client, people, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.INTAKE_RATE_LIMIT = (3, 600)
    codes = [
        client.post(FORM_URL, question_payload(), HTTP_X_FORWARDED_FOR=forged_header()).status_code
        for _ in range(4)
    ]
    assert codes == [302, 302, 302, 429]


def test_behind_one_proxy_two_clients_have_their_own_form_limit(client, people, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.INTAKE_RATE_LIMIT = (2, 600)

    def post(client_address: str) -> int:
        return client.post(
            FORM_URL,
            question_payload(),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{forged_header()}, {client_address}",
        ).status_code

    assert [post("198.51.100.1") for _ in range(3)] == [302, 302, 429]
    assert post("198.51.100.2") == 302


# --------------------------------------------------------------------------- the API throttle


def test_a_forged_header_per_request_does_not_defeat_the_api_throttle(
    people, settings, question_rate_of_two
):
    settings.TRUSTED_PROXY_COUNT = 0
    api = APIClient()
    codes = [
        api.post(
            API_URL, api_question_payload(), format="json", HTTP_X_FORWARDED_FOR=forged_header()
        )
        for _ in range(3)
    ]
    assert [response.status_code for response in codes] == [201, 201, 429]


def test_behind_one_proxy_two_clients_have_their_own_api_throttle(
    people, settings, question_rate_of_two
):
    settings.TRUSTED_PROXY_COUNT = 1
    api = APIClient()

    def post(client_address: str) -> int:
        return api.post(
            API_URL,
            api_question_payload(),
            format="json",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{forged_header()}, {client_address}",
        ).status_code

    assert [post("198.51.100.1") for _ in range(3)] == [201, 201, 429]
    assert post("198.51.100.2") == 201


# --------------------------------------------------------------------------- the login limit


def _fail_login(client, n: int, **extra) -> None:
    client.post(LOGIN_URL, {"login": f"nobody{n}@example.se", "password": "fel"}, **extra)


def _login_works(client, **extra) -> bool:
    client.post(
        LOGIN_URL, {"login": "nationell@example.se", "password": "lösenord-för-test"}, **extra
    )
    logged_in = "_auth_user_id" in client.session
    client.logout()
    return logged_in


def test_a_forged_header_per_request_does_not_defeat_the_login_limit(client, people, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    for n in range(3):  # other addresses each time: the per-address limit cannot help
        _fail_login(client, n, HTTP_X_FORWARDED_FOR=forged_header())
    assert not _login_works(client, HTTP_X_FORWARDED_FOR=forged_header())


def test_behind_one_proxy_two_clients_have_their_own_login_limit(client, people, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}
    behind = {"REMOTE_ADDR": PROXY}
    for n in range(3):
        _fail_login(client, n, HTTP_X_FORWARDED_FOR="198.51.100.1", **behind)
    assert not _login_works(client, HTTP_X_FORWARDED_FOR="198.51.100.1", **behind)
    assert _login_works(client, HTTP_X_FORWARDED_FOR="198.51.100.2", **behind)


# --------------------------------------------------------------------------- receipts


def test_receipts_per_address_are_capped_but_every_question_is_saved(client, people, settings):
    settings.RECEIPT_LIMIT_PER_HOUR = 3
    settings.INTAKE_RATE_LIMIT = (100, 600)
    api = APIClient()
    victim = "someone.else@example.se"
    for _ in range(3):
        assert client.post(FORM_URL, question_payload(email=victim)).status_code == 302
        assert (
            api.post(API_URL, api_question_payload(email=victim.upper()), format="json").status_code
            == 201
        )
    assert Case.objects.filter(email__iexact=victim).count() == 6
    assert OutboxMessage.objects.filter(kind="receipt", to__iexact=victim).count() == 3
    # Another address is not affected.
    client.post(FORM_URL, question_payload(email="karin@exempel.se"))
    assert OutboxMessage.objects.filter(kind="receipt", to="karin@exempel.se").count() == 1
