"""The Redis cache as an accelerator, never a dependency of reading.

Everything Relais keeps in the cache (partner lists, the glossary, the search vocabulary, rate-limit counters) can
be rebuilt or forgotten. When Redis does not answer, each call falls back to a memory cache of this process and the
backend stops trying Redis for ``RETRY_SECONDS``, so that a stopped Redis costs one failed connection per process
and pause, not one per call. Rate limits therefore degrade to per-process counters (fail open, which is safe for
them); login throttling does not depend on the cache (django-axes keeps its attempts in the database).
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5
_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
_METHODS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many",
            "clear")


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # A request never waits long on a Redis that accepts connections but does not answer.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)
        self._fallback = LocMemCache(f"relais-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        """False while the backend is serving from memory after a Redis failure."""
        return time.monotonic() >= self._down_until

    def _call(self, name, *args, **kwargs):
        if self.available:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except _UNAVAILABLE as exc:
                with self._lock:
                    if self.available:
                        logger.warning("Redis cache unreachable (%s); serving from process memory for %ss",
                                       exc, RETRY_SECONDS)
                    self._down_until = time.monotonic() + RETRY_SECONDS
        return getattr(self._fallback, name)(*args, **kwargs)


def _delegate(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = getattr(RedisCache, name).__doc__
    return method


for _name in _METHODS:
    setattr(ResilientRedisCache, _name, _delegate(_name))
