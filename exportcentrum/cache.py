"""A Redis cache that fails open: when Redis is unreachable the portal keeps working without it.

Everything the portal keeps in the cache can be lost or skipped for a while: version stamps
(a process keeps its own copy), rate limits and throttles (they let requests through), rate-limit
locks. So a connection error is logged (at most once a minute per thread: Django keeps one
cache object per thread) and the operation answers as if the key were absent; writes are
dropped. After a failure the cache is not tried again for ``RETRY_AFTER`` seconds, so a Redis
that hangs costs one connect timeout, not one per call. Errors that are not about reaching
Redis (a bad key, a serialisation bug) still raise.

Django's Redis cache builds a ``redis.Redis`` client (with its table of a few hundred response
callbacks) for every operation; that cost more CPU than the round trip itself, several times per
question. A client is thread-safe and this cache object belongs to one thread anyway, so one
client per connection pool is kept and reused.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

log = logging.getLogger(__name__)

T = TypeVar("T")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# Short, and no retries: a request must not wait long on a cache it can do without.
DEFAULT_OPTIONS = {
    "socket_connect_timeout": 0.5,
    "socket_timeout": 1.0,
    "retry": Retry(NoBackoff(), 0),
}
RETRY_AFTER = 2.0  # seconds without trying Redis after a failure
WARN_EVERY = 60.0  # seconds between two warnings of the same cache object


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client wrapper, keeping one ``redis.Redis`` per connection pool."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # Pools are kept for the cache's lifetime, so their id is not reused.
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def count_in_window(self, key: str, window: int) -> int:
        # One round trip (MULTI/EXEC): start the counter with its expiry if absent, add one.
        pipeline = self.get_client(key, write=True).pipeline()
        pipeline.set(key, 0, ex=window, nx=True)
        pipeline.incr(key)
        return int(pipeline.execute()[1])


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose operations fall back instead of raising when Redis is down.

    Fallbacks: ``get`` → default, ``get_many`` → {}, ``has_key``/``touch``/``delete`` → False,
    ``set``/``delete_many``/``clear`` → nothing, ``incr`` → ``delta`` (a counter that starts
    afresh), and ``add`` → True. ``add`` answers True so that limits and their locks fail open
    (allauth's rate-limit lock is acquired, the limit's history reads empty); the price is that
    allauth's "TOTP code already used" marker cannot be kept during an outage.
    """

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._last_warning = float("-inf")

    # ----------------------------------------------------------------------- state

    @property
    def available(self) -> bool:
        """False while the cache is skipped after a recent connection failure."""
        return time.monotonic() >= self._down_until

    def _guard(self, name: str, fallback: T, *args) -> T:
        """Run RedisCache's ``name`` with ``args``; ``fallback`` when Redis cannot be reached."""
        return self._fail_open(name, fallback, getattr(super(), name), *args)

    def _fail_open(self, name: str, fallback: T, operation: Callable[..., T], *args) -> T:
        if not self.available:
            return fallback
        try:
            return operation(*args)
        except UNREACHABLE as exc:
            self._mark_down(name, exc)
            return fallback

    def _mark_down(self, name: str, exc: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + RETRY_AFTER
            warn = now - self._last_warning >= WARN_EVERY
            if warn:
                self._last_warning = now
        if warn:
            log.warning(
                "Redis cache unreachable (%s: %s); carrying on without it",
                name,
                exc.__class__.__name__,
            )

    def ping(self) -> bool:
        """Reach Redis now, whatever the recent failures (for the health check)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNREACHABLE as exc:
            self._mark_down("ping", exc)
            return False

    # ----------------------------------------------------------------------- operations

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard("add", True, key, value, timeout, version)

    def get(self, key, default=None, version=None) -> Any:
        return self._guard("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._guard("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard("touch", False, key, timeout, version)

    def delete(self, key, version=None) -> bool:
        return self._guard("delete", False, key, version)

    def get_many(self, keys, version=None) -> dict:
        return self._guard("get_many", {}, keys, version)

    def has_key(self, key, version=None) -> bool:
        return self._guard("has_key", False, key, version)

    def incr(self, key, delta=1, version=None) -> int:
        return self._guard("incr", delta, key, delta, version)

    def count_in_window(self, key: str, window: int) -> int:
        """Add one to a counter that expires ``window`` seconds after its first hit, in one round
        trip; the new count. Like ``incr``, a counter that starts afresh (1) when Redis is down."""
        key = self.make_and_validate_key(key)
        return self._fail_open("count_in_window", 1, self._cache.count_in_window, key, window)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        # Django's contract: set_many returns the keys that could not be stored.
        return self._guard("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None) -> None:
        self._guard("delete_many", None, keys, version)

    def clear(self) -> bool:
        return self._guard("clear", False)
