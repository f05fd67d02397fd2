"""Per worker process: the threads that send requests, and the hand-off that keeps slow receivers from
holding the worker.

A task waits at most CASHSHEET_WEBHOOK_HANDOFF_S for its batch; requests still running then (a receiver
that hangs towards the 15 s timeout) are finished by a background thread that records their outcome on
its own database connection, and the worker process moves on to the next task. Endpoints with requests
still in flight here are left out of this process's next claims, so a hanging receiver cannot fill the
send threads. If the process dies meanwhile, the leases expire and the sweep sends those deliveries again.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait

logger = logging.getLogger(__name__)

SEND_THREADS = 32
FINISH_THREADS = 4
# An endpoint with this many requests still in flight in this process gets no more until they end.
BUSY_AT = 4

_lock = threading.Lock()
_pools: dict[str, ThreadPoolExecutor] = {}
_inflight: Counter[tuple[str, int]] = Counter()


def _pool(name: str, size: int) -> ThreadPoolExecutor:
    # Created lazily, so each prefork child gets its own threads after the fork.
    with _lock:
        if name not in _pools:
            _pools[name] = ThreadPoolExecutor(max_workers=size, thread_name_prefix=f"webhook-{name}")
        return _pools[name]


def busy_endpoints(schema: str) -> list[int]:
    with _lock:
        return [pk for (s, pk), n in _inflight.items() if s == schema and n >= BUSY_AT]


def _done(key: tuple[str, int]) -> None:
    with _lock:
        _inflight[key] -= 1
        if _inflight[key] <= 0:
            del _inflight[key]


def send_all(schema: str, items: Iterable, send: Callable, *, endpoint_of: Callable, wait_s: float):
    """Start `send(item)` for every item; return ([(item, result)] finished in time, [(item, future)] not)."""
    futures: dict[Future, object] = {}
    for item in items:
        key = (schema, endpoint_of(item))
        with _lock:
            _inflight[key] += 1
        future = _pool("send", SEND_THREADS).submit(send, item)
        future.add_done_callback(lambda _f, key=key: _done(key))
        futures[future] = item
    done, pending = wait(futures, timeout=wait_s)
    finished = [(futures[f], f.result()) for f in futures if f in done]
    return finished, [(futures[f], f) for f in futures if f in pending]


def finish_later(tenant, stragglers: list[tuple[object, Future]], record: Callable) -> None:
    """Record the stragglers' outcomes from a background thread, in `tenant`'s schema."""

    def _finish() -> None:
        from django.db import connection

        try:
            connection.set_tenant(tenant)
            record([(item, future.result()) for item, future in stragglers])
        except Exception:  # noqa: BLE001 - leases expire and the sweep sends these again
            logger.exception("recording %d slow webhook deliveries failed", len(stragglers))

    _pool("finish", FINISH_THREADS).submit(_finish)
