"""Preparing ATP models before any request needs them: at worker start, for the silos that use the ATP.

A web worker that starts (a deploy, gunicorn replacing a worker after `max_requests` or a crash) has no models;
without this its first check of a silo builds one in the request (the demo's one-family LP: 2-20 s). So
gunicorn's `post_worker_init` (gunicorn.conf.py) prepares, before the worker accepts its first connection, every
model of the silos that asked the ATP something recently (a Redis sorted set of schemas, touched at most once a
minute per process by the idle-time preparation after each answer), most recent first. A first solve starts
from the basis a previous worker stored (atp.engine.basis), so a restart costs each worker about the model
builds, not the cold solves. Idle-time preparation (cache.prepare_next after each answer) still keeps models
current when stock or commitments move.

Celery workers run no check or confirmation today (an LP run builds its own PuLP problem), so preparing there is
off unless CASHSHEET_ATP_PREPARE_IN_CELERY=1 (atp.tasks connects `worker_process_init`).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

ACTIVE_TTL_S = 7 * 24 * 3600
_TOUCH_EVERY_S = 60.0
_touched: dict[str, float] = {}
_client: redis.Redis | None = None


def _redis() -> redis.Redis:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
    return _client


def _active_key() -> str:
    # One set per database: the test database's silo `live` is not the development database's.
    return f"cashsheet:atp:active:{settings.DATABASES['default']['NAME']}"


def silo_touch(schema: str) -> None:
    """Note that `schema` uses the ATP (at most once a minute per process; fails open without Redis)."""
    now = time.time()
    if now - _touched.get(schema, 0.0) < _TOUCH_EVERY_S:
        return
    _touched[schema] = now
    try:
        client = _redis()
        client.zadd(_active_key(), {schema: now})
        client.zremrangebyscore(_active_key(), 0, now - ACTIVE_TTL_S)
    except redis.RedisError:
        logger.warning("could not note ATP activity of %s", schema, exc_info=True)


def active_silos(limit: int) -> list[str]:
    """Schemas that asked the ATP something in the last week, most recent first."""
    try:
        raw = _redis().zrevrangebyscore(_active_key(), "+inf", time.time() - ACTIVE_TTL_S, start=0, num=limit)
    except redis.RedisError:
        logger.warning("could not read the ATP's active silos", exc_info=True)
        return []
    return [s.decode() for s in raw]


def prepare_silos(schemas: list[str], *, deadline_s: float, notify: Callable[[], None] | None = None) -> dict[str, int]:
    """Prepare every model of each silo in turn (largest first), until done or `deadline_s` has passed.
    `notify` runs between models (gunicorn's worker heartbeat: a long start is not a hung worker).
    Returns the models prepared per schema."""
    from django_tenants.utils import get_tenant_model, schema_context

    from atp.engine import cache

    started = time.monotonic()
    existing = set(get_tenant_model().objects.filter(schema_name__in=schemas).values_list("schema_name", flat=True))
    done: dict[str, int] = {}
    for schema in schemas:
        if schema not in existing:
            continue
        with schema_context(schema):
            done[schema] = 0
            while time.monotonic() - started < deadline_s:
                if not cache.prepare_next(budget=1):
                    break
                done[schema] += 1
                if notify:
                    notify()
        if time.monotonic() - started >= deadline_s:
            logger.warning("ATP preparation at start stopped after %.0f s", deadline_s)
            break
    connection.set_schema_to_public()
    return done


def prepare_at_start(*, notify: Callable[[], None] | None = None) -> dict[str, int]:
    """What a starting worker runs: the most recently active silos (CASHSHEET_ATP_PREPARE_SILOS, default 20),
    within CASHSHEET_ATP_PREPARE_START_S (default 30 s: a worker that prepares answers no health probe meanwhile,
    and what is left is prepared in idle time). CASHSHEET_ATP_PREPARE_SILOS=0 turns it off."""
    limit = int(os.environ.get("CASHSHEET_ATP_PREPARE_SILOS", "20"))
    if limit <= 0:
        return {}
    started = time.monotonic()
    done = prepare_silos(
        active_silos(limit), deadline_s=float(os.environ.get("CASHSHEET_ATP_PREPARE_START_S", "30")), notify=notify
    )
    if done:
        logger.info("ATP models prepared at start in %.1f s: %s", time.monotonic() - started, done)
    return done
