"""One set of ATP models per process, per silo: built once, refreshed cheaply, used under one lock.

HiGHS objects are not thread-safe, so every call into them holds `_LOCK` (gunicorn's sync workers have
one thread anyway; the lock matters for threaded servers and tests). Nothing that waits on the database's
row locks runs while `_LOCK` is held, so the two kinds of lock cannot deadlock.

The models do not depend on the date: day 0 is "today" wherever a position is loaded, so midnight only reloads
positions. "Today" is the earliest local date among the silo's active facilities (cashsheet.timezones); a
facility whose own date is already one later has that first day closed (no cutting, no shipping, no delivery).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from atp import selectors
from atp.engine import basis
from atp.engine.components import Component, components
from atp.engine.model import AtpModel
from atp.selectors import Network
from cashsheet.api.tenancy import current_silo
from cashsheet.timezones import local_date

_LOCK = threading.RLock()
# Preparing a model (its first solve, the price table) is not a request's solve: bounded only so that a worker
# never hangs. The demo's one-family LP takes 13-20 s cold on a shared 2-core machine (BENCHMARKS.md).
PREPARE_TIME_LIMIT_S = 120.0
# The watermarks can miss a change in one race (a posting whose ids or timestamps are older than a concurrent
# one's, committing later); reloading the position at least this often bounds how long such a miss lasts.
POSITION_MAX_AGE_S = 5.0


@dataclass
class _SiloModels:
    structure_mark: tuple
    network: Network
    components: list[Component]
    component_of: dict[tuple[int, int], Component]
    models: dict[tuple, AtpModel] = field(default_factory=dict)


_SILOS: dict[str, _SiloModels] = {}

# What this process has done, for tests and benchmarks (atp.engine.warmup exposes it): `request_builds` counts
# models built while serving a check or a confirmation (a cold build in a request), `prepared_builds` those built
# ahead of requests (at worker start or in idle time), `basis_restored` first solves started from a stored basis.
STATS = {"request_builds": 0, "prepared_builds": 0, "basis_restored": 0}
_PREPARING = threading.local()


@contextmanager
def _snapshot() -> Iterator[None]:
    """Read the network or a position as one consistent snapshot (several queries, one REPEATABLE READ
    transaction). Inside a caller's transaction (allocation) the caller's isolation and row locks apply."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _horizon() -> int:
    return int(current_silo().atp_horizon_days)


def days_for(network: Network, horizon: int) -> int:
    """Days in the LP: the horizon from the engine's today, plus one when facilities keep different clocks
    (a facility already on tomorrow's date still gets its whole horizon)."""
    return horizon + 1 + (1 if len({f.timezone for f in network.facilities}) > 1 else 0)


def clock(network: Network) -> tuple[dt.date, dict[int, dt.date], dict[int, int]]:
    """(the engine's today, each facility's local date, each facility's offset in days from the engine's)."""
    now = timezone.now()
    local = {f.id: local_date(f.timezone, now=now) for f in network.facilities}
    today = min(local.values(), default=timezone.localdate())
    return today, local, {fac: (day - today).days for fac, day in local.items()}


class Session:
    """The engine while `_LOCK` is held: models by (item, facility), each refreshed at most once per session."""

    def __init__(self, structure_mark: tuple, position_mark: tuple):
        self.horizon = _horizon()
        self.structure_mark = (*structure_mark, self.horizon)
        self.position_mark = position_mark
        self.schema = connection.schema_name
        self._seen: dict[tuple, AtpModel] = {}
        state = self.state()
        self.today, self.local, self.offsets = clock(state.network)
        self.days = days_for(state.network, self.horizon)

    def state(self) -> _SiloModels:
        state = _SILOS.get(self.schema)
        if state is None or state.structure_mark != self.structure_mark:
            with _snapshot():
                network = selectors.network_load()
            comps = components(network)
            component_of = {(i, f): c for c in comps for i in c.items for f in c.facilities}
            state = _SiloModels(self.structure_mark, network, comps, component_of)
            _SILOS[self.schema] = state
        return state

    def knows(self, *, item_id: int, facility_id: int) -> tuple[bool, bool]:
        """Whether the item and the facility are active in the loaded network (else a model cannot hold them)."""
        network = self.state().network
        return item_id in network.items, any(f.id == facility_id for f in network.facilities)

    def local_today(self, facility_id: int) -> dt.date:
        return self.local.get(facility_id, self.today)

    def day(self, when: dt.date) -> int:
        return (when - self.today).days

    def component(self, item_id: int, facility_id: int) -> Component:
        return self.state().component_of[(item_id, facility_id)]

    def model(
        self, item_id: int, facility_id: int, *, fresh: bool = False, table: bool = True, aged_ok: bool = False
    ) -> AtpModel:
        """The warm model holding (item, facility), its position current.

        `fresh=True` reloads stock and reservations even if the watermarks did not move (allocation, under row
        locks, must see every committed reservation). `table=False` skips pricing the tier-1 table (RHS
        ranging, the costliest step); it is then built after the answer, in idle time. `aged_ok=True` skips the
        periodic reload (POSITION_MAX_AGE_S) when the watermarks did not move: a short check's alternatives touch
        every facility's LP, and reloading each one's position cost a query and a pass over its rows per
        facility (a 20-facility silo: most of a short check's time)."""
        state = self.state()
        comp = state.component_of[(item_id, facility_id)]
        if comp.key in self._seen:
            model = self._seen[comp.key]
            if table:
                model.baseline_ensure(PREPARE_TIME_LIMIT_S, table=True)
            return model
        model = state.models.get(comp.key)
        if model is None or model.T != self.days:
            key = basis.key_for(self.schema, self.structure_mark, self.days, comp.key)
            model = AtpModel(state.network, comp, self.days, basis_key=key)
            state.models[comp.key] = model
            STATS["prepared_builds" if getattr(_PREPARING, "on", False) else "request_builds"] += 1
        stale = not aged_ok and time.monotonic() - model.position_loaded > POSITION_MAX_AGE_S
        mark = (*self.position_mark, self.today, tuple(sorted(self.offsets.items())))
        if fresh or stale or model.position_mark != mark:
            with _snapshot():
                position = selectors.position_load(item_ids=set(comp.items), today=self.today, days=self.days)
            model.position_apply(position, mark, self.offsets)
        # Preparing the plan without a request is not the request's solve: it gets a generous limit (a cold
        # model's first solve is the slow one), so the request's own solves start warm from its basis.
        restored = model.basis_restored
        model.baseline_ensure(PREPARE_TIME_LIMIT_S, table=table)
        if model.basis_restored and not restored:
            STATS["basis_restored"] += 1
        self._seen[comp.key] = model
        return model

    def ready(self, comp: Component) -> bool:
        """Whether `comp`'s model exists with a current position and price table (nothing left to prepare)."""
        model = self.state().models.get(comp.key)
        mark = (*self.position_mark, self.today, tuple(sorted(self.offsets.items())))
        return model is not None and model.T == self.days and model.position_mark == mark and model.table is not None


@contextmanager
def session(*, lock_timeout_s: float = 5.0) -> Iterator[Session]:
    """Hold the engine for a check or an allocation. Raises TimeoutError if it stays busy."""
    structure_mark, position_mark = selectors.watermarks()
    if not _LOCK.acquire(timeout=lock_timeout_s):
        raise TimeoutError("the ATP engine is busy")
    try:
        yield Session(structure_mark, position_mark)
    finally:
        _LOCK.release()


def prepare_next(*, budget: int = 1) -> int:
    """Build or refresh up to `budget` models that the next checks would otherwise prepare in-request.

    Called after a response has been sent (the check view's closer), at worker start, and after a
    confirmation, so the first check of a component in a worker, or the first after stock or commitments
    moved, finds its model and price table ready. Returns how many were prepared. Never waits for the engine:
    if it is busy, there is nothing to do now.
    """
    from atp.engine.warmup import silo_touch

    silo_touch(connection.schema_name)  # a worker that starts prepares the silos that use the ATP
    structure_mark, position_mark = selectors.watermarks()
    if not _LOCK.acquire(blocking=False):
        return 0
    _PREPARING.on = True
    try:
        session = Session(structure_mark, position_mark)
        done = 0
        # Largest first: the big models are the ones a request must never build.
        for comp in sorted(session.state().components, key=lambda c: -len(c.items) * len(c.facilities)):
            if session.ready(comp):
                continue
            session.model(comp.items[0], comp.facilities[0])
            done += 1
            if done >= budget:
                break
        return done
    finally:
        _PREPARING.on = False
        _LOCK.release()


def clear() -> None:
    """Forget every model (tests that change the clock or the horizon)."""
    with _LOCK:
        _SILOS.clear()
