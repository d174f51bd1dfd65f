"""Shared version stamps in the cache, for per-process copies of rarely changing data.

Lives in the lowest layer that needs it: regions stamps its catalogue, routing its rules.

A process keeps compiled rules or the reference catalogue in memory and rebuilds its copy when
the stamp differs from the one it built under. No database query: a cache read, and within a
web request one read for all the stamps. A question reads the catalogue stamp in its form, the
intake, the assignment and the decision's labels, and the rules stamp once: four round trips to
Redis that one ``get_many`` does, the first time a request needs any stamp. The request then
works with what it read, as if it had come a moment earlier; a bump made by the request itself
is seen at once. Outside a request (workers, commands, tests calling services) every read goes
to the cache, as before.
"""

from __future__ import annotations

import uuid

from asgiref.local import Local
from django.core.cache import cache
from django.core.signals import request_finished, request_started

_stamps_read_together: set[str] = set()
_request = Local()  # .versions: key -> stamp, while a request runs


def shared_version_key(key: str) -> str:
    """Declare a stamp's cache key, so that a request reads it with the other stamps."""
    _stamps_read_together.add(key)
    return key


def shared_version(key: str) -> str:
    """The current stamp; a flushed cache gets a fresh one (so every process rebuilds)."""
    read = getattr(_request, "versions", None)
    if read is None:
        return _read(key)
    version = read.get(key)
    if version is None:
        found = cache.get_many(_stamps_read_together | {key})
        read.update({k: str(v) for k, v in found.items()})
        version = read.get(key)
        if version is None:  # a flushed cache
            version = read[key] = _read(key)
    return version


def _read(key: str) -> str:
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    return str(version)


def shared_version_bump(key: str) -> None:
    """Tell every process to rebuild. Random, not a counter: a flushed and re-created counter
    could repeat a number that some process still holds."""
    version = uuid.uuid4().hex
    cache.set(key, version, timeout=None)
    read = getattr(_request, "versions", None)
    if read is not None:
        read[key] = version


def request_begins(**kwargs) -> None:
    """``request_started``: the stamps are read once from here on."""
    _request.versions = {}


def request_ends(**kwargs) -> None:
    """``request_finished``: back to reading the cache every time."""
    _request.versions = None


def read_stamps_once_per_request() -> None:
    """Connected in RegionsConfig.ready."""
    request_started.connect(request_begins, dispatch_uid="regions.versions.request_begins")
    request_finished.connect(request_ends, dispatch_uid="regions.versions.request_ends")
