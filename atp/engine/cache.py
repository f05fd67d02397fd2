"""One set of ATP models per process, per silo: built once, refreshed cheaply, used under one lock.

HiGHS objects are not thread-safe, so every call into them holds `_LOCK` (gunicorn's sync workers have
one thread anyway; the lock matters for threaded servers and tests). Nothing that waits on the database's
row locks runs while `_LOCK` is held, so the two kinds of lock cannot deadlock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from atp import selectors
from atp.engine.model import AtpModel
from atp.selectors import Network
from cashsheet.api.tenancy import current_silo

_LOCK = threading.RLock()
PREPARE_TIME_LIMIT_S = 30.0
# The watermarks can miss a change in one race (a posting whose ids or timestamps are older than a concurrent
# one's, committing later); reloading the position at least this often bounds how long such a miss lasts.
POSITION_MAX_AGE_S = 5.0


@dataclass
class _SiloModels:
    structure_mark: tuple
    network: Network
    family_of: dict[int, frozenset[int]]
    models: dict[frozenset[int], AtpModel] = field(default_factory=dict)


_SILOS: dict[str, _SiloModels] = {}


def families(network: Network) -> dict[int, frozenset[int]]:
    """Items linked by cutting patterns (an input and its outputs) form one family: one LP each.

    Families share only cutting capacity; see docs/atp.md for what that leaves out.
    """
    parent = {item: item for item in network.items}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pattern in network.patterns:
        root = find(pattern.input_id)
        for out_item, _ in pattern.outputs:
            other = find(out_item)
            if other != root:
                parent[other] = root
    groups: dict[int, set[int]] = {}
    for item in network.items:
        groups.setdefault(find(item), set()).add(item)
    return {item: frozenset(members) for members in groups.values() for item in members}


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


def _days() -> int:
    return int(current_silo().atp_horizon_days) + 1


class Session:
    """The engine while `_LOCK` is held: models by item, each refreshed at most once per session."""

    def __init__(self, structure_mark: tuple, position_mark: tuple):
        self.today = timezone.localdate()
        self.days = _days()
        self.structure_mark = (*structure_mark, self.today, self.days)
        self.position_mark = position_mark
        self.schema = connection.schema_name
        self._seen: dict[frozenset[int], AtpModel] = {}

    def _state(self) -> _SiloModels:
        state = _SILOS.get(self.schema)
        if state is None or state.structure_mark != self.structure_mark:
            with _snapshot():
                network = selectors.network_load()
            state = _SiloModels(structure_mark=self.structure_mark, network=network, family_of=families(network))
            _SILOS[self.schema] = state
        return state

    def knows(self, *, item_id: int, facility_id: int) -> tuple[bool, bool]:
        """Whether the item and the facility are active in the loaded network (else a model cannot hold them)."""
        network = self._state().network
        return item_id in network.items, any(f.id == facility_id for f in network.facilities)

    def family(self, item_id: int) -> frozenset[int]:
        return self._state().family_of.get(item_id, frozenset({item_id}))

    def model(self, item_id: int, *, fresh: bool = False, table: bool = True) -> AtpModel:
        """`fresh=True` reloads stock and reservations even if the watermarks did not move (allocation,
        under row locks, must see every committed reservation). `table=False` skips pricing the tier-1
        table (RHS ranging, the costliest step): allocation re-solves every line and never reads it."""
        state = self._state()
        family = state.family_of.get(item_id, frozenset({item_id}))
        if family in self._seen:
            return self._seen[family]
        model = state.models.get(family)
        if model is None:
            model = AtpModel(state.network, set(family), self.days)
            state.models[family] = model
        stale = time.monotonic() - model.position_loaded > POSITION_MAX_AGE_S
        if fresh or stale or model.position_mark != self.position_mark:
            with _snapshot():
                position = selectors.position_load(item_ids=set(family), today=self.today, days=self.days)
            model.position_apply(position, self.position_mark)
        # Preparing the plan without a request is not the request's solve: it gets a generous limit (a cold
        # model's first solve is the slow one), so the request's own solves start warm from its basis.
        model.baseline_ensure(PREPARE_TIME_LIMIT_S, table=table)
        self._seen[family] = model
        return model


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
    """Build or refresh up to `budget` item families that the next checks would otherwise prepare in-request.

    Called after a response has been sent (the check view's closer), so the first check of a family in a
    worker, or the first after stock or commitments moved, finds its model and price table ready. Returns
    how many were prepared. Never waits for the engine: if it is busy, there is nothing to do now.
    """
    structure_mark, position_mark = selectors.watermarks()
    if not _LOCK.acquire(blocking=False):
        return 0
    try:
        session = Session(structure_mark, position_mark)
        state = session._state()
        done = 0
        for family in dict.fromkeys(state.family_of.values()):
            model = state.models.get(family)
            fresh = model is not None and model.position_mark == position_mark and model.table is not None
            if fresh:
                continue
            session.model(next(iter(family)))
            done += 1
            if done >= budget:
                break
        return done
    finally:
        _LOCK.release()


def clear() -> None:
    """Forget every model (tests that change the clock or the horizon)."""
    with _LOCK:
        _SILOS.clear()
