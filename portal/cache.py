"""A Redis cache that becomes "no cache" while Redis is unreachable (issue 16, section 5).

Django's own Redis backend raises `redis.ConnectionError` from every cache call when Redis is
down, so every page that touches the cache answers 500. Nothing in the portal needs the cache to
be right, only to be fast: while Redis is unreachable every read is a miss, every write is
dropped, and the rate limits (django-ratelimit, `RATELIMIT_FAIL_OPEN`) allow the request. The
log says so at most once a minute per process, and says when Redis is back.

After a failure the process leaves Redis alone for `RETRY_SECONDS`, so a Redis host that drops
packets costs one connect timeout every few seconds, not one per cache call.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("portal.cache")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5
LOG_EVERY_SECONDS = 60


class _Health:
    """Per-process state of the connection to Redis, shared by every cache alias."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.last_log = None
        self.down = False

    def skipping(self):
        return self.down and time.monotonic() < self.down_until

    def failed(self, exc):
        now = time.monotonic()
        with self.lock:
            self.down = True
            self.down_until = now + RETRY_SECONDS
            if self.last_log is None or now - self.last_log >= LOG_EVERY_SECONDS:
                self.last_log = now
                logger.warning("Redis is unreachable (%s): running without cache, rate limits allow.", exc)

    def succeeded(self):
        if self.down:
            with self.lock:
                if self.down:
                    self.down = False
                    self.last_log = None
                    logger.warning("Redis is reachable again: cache and rate limits are back.")


health = _Health()


def _degrading(name, miss):
    method = getattr(RedisCacheClient, name)

    def call(self, *args, **kwargs):
        if health.skipping():
            return miss(*args)
        try:
            result = method(self, *args, **kwargs)
        except OUTAGE_ERRORS as exc:
            health.failed(exc)
            return miss(*args)
        health.succeeded()
        return result

    call.__name__ = name
    return call


class ResilientRedisCacheClient(RedisCacheClient):
    # What each call answers while Redis is down: a miss, a dropped write. `incr` answers None,
    # which django-ratelimit reads as "the counter failed" (then RATELIMIT_FAIL_OPEN allows).
    get = _degrading("get", lambda key, default: default)
    get_many = _degrading("get_many", lambda keys: {})
    has_key = _degrading("has_key", lambda key: False)
    add = _degrading("add", lambda key, value, timeout: False)
    set = _degrading("set", lambda key, value, timeout: None)
    set_many = _degrading("set_many", lambda data, timeout: list(data))
    touch = _degrading("touch", lambda key, timeout: False)
    delete = _degrading("delete", lambda key: False)
    delete_many = _degrading("delete_many", lambda keys: None)
    incr = _degrading("incr", lambda key, delta: None)
    clear = _degrading("clear", lambda: False)


class ResilientRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` that degrades to no cache (see above)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
