# ruff: noqa: F811 - pytest fixtures imported from tests.routing.intake_support
"""The version stamps: read from the cache every time outside a request, once per request in
one round trip inside one, and a bump made by the request itself seen at once."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client

from regions.catalogue import CATALOGUE_VERSION_KEY, catalogue_version
from regions.versions import request_begins, request_ends, shared_version_bump
from routing.rules import RULES_VERSION_KEY, rules_version
from tests.routing.intake_support import _fresh_cache, question_payload  # noqa: F401


class CacheReads:
    """Counts what the view asks the real cache for (a spy: every call still goes through)."""

    def __init__(self, monkeypatch) -> None:
        self.gets: list[str] = []
        self.get_manys: list[list[str]] = []
        real_get, real_get_many = cache.get, cache.get_many

        def get(key, *args, **kwargs):
            self.gets.append(key)
            return real_get(key, *args, **kwargs)

        def get_many(keys, *args, **kwargs):
            self.get_manys.append(sorted(keys))
            return real_get_many(keys, *args, **kwargs)

        backend = cache._connections[cache._alias]  # this thread's cache object
        monkeypatch.setattr(backend, "get", get)
        monkeypatch.setattr(backend, "get_many", get_many)


def test_outside_a_request_every_read_asks_the_cache():
    first = catalogue_version()
    cache.set(CATALOGUE_VERSION_KEY, "changed elsewhere", timeout=None)
    assert catalogue_version() == "changed elsewhere" != first


def test_a_request_reads_the_stamps_once_and_sees_its_own_bumps():
    catalogue_version(), rules_version()  # both stamps exist
    request_begins()
    try:
        catalogue, rules = catalogue_version(), rules_version()
        cache.set(CATALOGUE_VERSION_KEY, "changed elsewhere", timeout=None)
        assert catalogue_version() == catalogue  # as if the request had come a moment earlier
        shared_version_bump(RULES_VERSION_KEY)
        assert rules_version() != rules
        assert rules_version() == cache.get(RULES_VERSION_KEY)
    finally:
        request_ends()
    assert catalogue_version() == "changed elsewhere"


def test_a_question_reads_the_stamps_in_one_round_trip(people, monkeypatch):
    Client().post("/fraga/", question_payload())  # warms this process's copies
    reads = CacheReads(monkeypatch)
    response = Client().post("/fraga/", question_payload(company_name="Andra AB"))
    assert response.status_code == 302
    stamps = {CATALOGUE_VERSION_KEY, RULES_VERSION_KEY}
    assert not stamps & set(reads.gets)
    assert [keys for keys in reads.get_manys if stamps & set(keys)] == [sorted(stamps)]
