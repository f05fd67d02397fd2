"""Sign-in throttling in the project's Redis: 10 failures lock for 15 minutes, per account and per address.

Two counters per silo: one for the account (the username, case-insensitive) and one for the client address
(cashsheet.api.ratelimit.client_address, so trusted proxies are honoured as the API does). The first failure
starts a 15-minute window; the 10th within it locks that account, or every sign-in from that address, for 15
minutes, the right password included. A successful sign-in clears the account's counter, never the address's
(one known account must not let an address keep guessing others).

If Redis cannot answer, sign-in is not throttled (fail open, logged), like the API's rate limiter: an outage
of the cache must not lock every user out.
"""

from __future__ import annotations

import hashlib
import logging
import threading

import redis
from django.conf import settings
from django.db import connection

from cashsheet.api.ratelimit import client_address

logger = logging.getLogger("cashsheet.ui.throttle")
_client: redis.Redis | None = None
_lock = threading.Lock()


def _redis() -> redis.Redis:
    global _client
    with _lock:
        if _client is None:
            _client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
        return _client


def _keys(request, username: str) -> list[str]:
    prefix = f"{settings.CASHSHEET_LOGIN_KEY_PREFIX}:{connection.schema_name}"
    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"{prefix}:acct:{account}", f"{prefix}:addr:{client_address(request)}"]


def lockout_seconds(request, username: str) -> int:
    """Seconds until a sign-in for `username` from this request's address may be tried again (0: now)."""
    try:
        pipe = _redis().pipeline(transaction=False)
        for key in _keys(request, username):
            pipe.ttl(f"{key}:lock")
        return max(0, *pipe.execute())
    except redis.RedisError as exc:
        logger.error("sign-in throttle: Redis unreachable, not throttling: %s", exc)
        return 0


def failure_record(request, username: str) -> None:
    """Count a failed sign-in against the account and the address; the Nth within the window locks."""
    limit, window = settings.CASHSHEET_LOGIN_MAX_FAILURES, settings.CASHSHEET_LOGIN_LOCK_SECONDS
    try:
        client = _redis()
        for key in _keys(request, username):
            pipe = client.pipeline(transaction=True)
            pipe.set(key, 0, ex=window, nx=True)  # the first failure opens the window
            pipe.incr(key)
            count = pipe.execute()[1]
            if count >= limit:
                pipe = client.pipeline(transaction=True)
                pipe.set(f"{key}:lock", 1, ex=window)
                pipe.delete(key)
                pipe.execute()
                logger.warning("sign-in throttle: locked %s for %s s after %s failures", key, window, count)
    except redis.RedisError as exc:
        logger.error("sign-in throttle: Redis unreachable, failure not counted: %s", exc)


def success_record(request, username: str) -> None:
    try:
        _redis().delete(_keys(request, username)[0])
    except redis.RedisError as exc:
        logger.error("sign-in throttle: Redis unreachable: %s", exc)
