"""Per worker process: the threads that send requests, with caps so that slow receivers cannot take them all.

Every send takes at most CASHSHEET_WEBHOOK_TIMEOUT_S (the transport's total deadline). On top of that, in
each process at most CASHSHEET_WEBHOOK_ENDPOINT_CONCURRENCY requests are in flight to one endpoint and
CASHSHEET_WEBHOOK_SILO_CONCURRENCY for one silo, out of CASHSHEET_WEBHOOK_SEND_THREADS threads. A delivery
starts only when its endpoint, its silo and the process are all under their caps, so no thread ever waits
for a slot, and a silo whose receivers hang can hold at most its own share of the threads: other silos'
deliveries start at once.

A task waits at most CASHSHEET_WEBHOOK_HANDOFF_S for its batch. Requests still running then are finished
by a background thread that records their outcome on its own database connection, and the worker process
moves on to the next task; deliveries of the batch that could not start by then (their endpoint or silo
at its cap) are given back, unsent, for the sweep to offer again. Endpoints at their cap here are left out
of this process's next claims. If the process dies meanwhile, the leases expire and the sweep sends those
deliveries again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings

logger = logging.getLogger(__name__)

FINISH_THREADS = 4

_lock = threading.Lock()
_pools: dict[str, ThreadPoolExecutor] = {}
_per_endpoint: Counter[tuple[str, int]] = Counter()
_per_silo: Counter[str] = Counter()
_total = 0
_open_batches: set[_Batch] = set()


def endpoint_cap() -> int:
    return settings.CASHSHEET_WEBHOOK_ENDPOINT_CONCURRENCY


def silo_cap() -> int:
    return settings.CASHSHEET_WEBHOOK_SILO_CONCURRENCY


def thread_cap() -> int:
    return settings.CASHSHEET_WEBHOOK_SEND_THREADS


def _pool(name: str, size: int) -> ThreadPoolExecutor:
    # Created lazily, so each prefork child gets its own threads after the fork.
    with _lock:
        if name not in _pools:
            _pools[name] = ThreadPoolExecutor(max_workers=size, thread_name_prefix=f"webhook-{name}")
        return _pools[name]


def busy_endpoints(schema: str) -> list[int]:
    """This silo's endpoints at their in-flight cap in this process: not worth claiming for now."""
    with _lock:
        return [pk for (s, pk), n in _per_endpoint.items() if s == schema and n >= endpoint_cap()]


def in_flight(schema: str | None = None) -> int:
    with _lock:
        return _total if schema is None else _per_silo[schema]


class _Batch:
    """One task's deliveries: queued per endpoint, started as caps allow, until the task stops waiting."""

    def __init__(self, schema: str, items: Iterable, send: Callable, endpoint_of: Callable):
        self.schema = schema
        self.send = send
        self.queues: dict[int, deque] = {}
        for item in items:
            self.queues.setdefault(endpoint_of(item), deque()).append(item)
        self.futures: dict[Future, object] = {}
        self.running = 0
        self.submitting = 0  # slots taken by pump() whose future is not yet recorded in `futures`
        self.closed = False
        self.idle = threading.Event()

    def pump(self) -> list[tuple[object, int]]:
        """Under _lock: claim slots for every delivery that may start now; the caller submits them."""
        global _total
        started = []
        for pk, queue in self.queues.items():
            key = (self.schema, pk)
            while (
                queue
                and _per_endpoint[key] < endpoint_cap()
                and _per_silo[self.schema] < silo_cap()
                and _total < thread_cap()
            ):
                item = queue.popleft()
                _per_endpoint[key] += 1
                _per_silo[self.schema] += 1
                _total += 1
                self.running += 1
                self.submitting += 1
                started.append((item, pk))
        return started

    def pending(self) -> bool:
        return any(self.queues.values())


def _release(schema: str, pk: int) -> None:
    global _total
    key = (schema, pk)
    _per_endpoint[key] -= 1
    if _per_endpoint[key] <= 0:
        del _per_endpoint[key]
    _per_silo[schema] -= 1
    if _per_silo[schema] <= 0:
        del _per_silo[schema]
    _total -= 1


def _start(batch: _Batch, slots: list[tuple[object, int]]) -> None:
    pool = _pool("send", thread_cap())
    for item, pk in slots:
        future = pool.submit(batch.send, item)
        with _lock:
            batch.futures[future] = item
            batch.submitting -= 1
        future.add_done_callback(lambda _f, batch=batch, pk=pk: _finished(batch, pk))


def _finished(batch: _Batch, pk: int) -> None:
    """A send ended: free its slots, then start whatever now fits, in this batch and in every open one."""
    with _lock:
        _release(batch.schema, pk)
        batch.running -= 1
        if batch.running == 0 and (batch.closed or not batch.pending()):
            batch.idle.set()
        ready = [(b, b.pump()) for b in list(_open_batches) if not b.closed]
    for other, slots in ready:
        if slots:
            _start(other, slots)


def send_all(schema: str, items: Iterable, send: Callable, *, endpoint_of: Callable, wait_s: float):
    """Send `items` within the caps, waiting at most `wait_s`.

    Returns ([(item, result)] finished in time, [(item, future)] still running, [item] never started).
    """
    batch = _Batch(schema, items, send, endpoint_of)
    with _lock:
        _open_batches.add(batch)
        slots = batch.pump()
        if batch.running == 0:
            batch.idle.set()
    _start(batch, slots)
    batch.idle.wait(timeout=wait_s)
    with _lock:
        batch.closed = True
        _open_batches.discard(batch)
        unstarted = [item for queue in batch.queues.values() for item in queue]
        batch.queues.clear()
    while True:  # a slot taken by another thread's pump() just before closing: wait for its future
        with _lock:
            if batch.submitting == 0:
                futures = dict(batch.futures)
                break
        time.sleep(0.001)
    finished = [(item, f.result()) for f, item in futures.items() if f.done()]
    stragglers = [(item, f) for f, item in futures.items() if not f.done()]
    return finished, stragglers, unstarted


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
