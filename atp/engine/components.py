"""Which items and facilities share one LP.

Two (item, facility) pairs belong to the same LP when something links them: a transfer lane (every item can
move on it), a cutting pattern at a facility (its input and outputs), or a daily capacity that several patterns
draw on (same facility, same process class). A connected set of pairs is a component; components never interact,
so each is solved on its own and capacity is exact across the families that share it. Because lanes carry every
item, a component is always a product: a group of lane-connected facilities times a group of items.

Components at a single facility with no cutting at all (stock that can only be delivered where it is) are
merged into one LP per facility: they are tiny, and one model is cheaper to keep than dozens.
"""

from __future__ import annotations

from dataclasses import dataclass

from atp.selectors import FacilityRow, Network, PatternRow

PRIMAL_CATEGORIES = frozenset({"carcass", "primal"})


@dataclass(frozen=True)
class Component:
    items: tuple[int, ...]  # sorted ids
    facilities: tuple[int, ...]  # sorted ids

    @property
    def key(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return (self.items, self.facilities)


def pattern_allowed(network: Network, pattern: PatternRow, facility: FacilityRow) -> bool:
    """A pattern runs at a facility that lists it, has capacity for its process class, and (for a carcass or
    primal input) can break."""
    if facility.id not in pattern.facility_ids or facility.capacity(pattern.process) <= 0:
        return False
    return facility.can_break or network.items[pattern.input_id].category not in PRIMAL_CATEGORIES


class _Union:
    def __init__(self, keys):
        self.parent = {k: k for k in keys}

    def find(self, x):
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra

    def groups(self) -> list[list]:
        out: dict = {}
        for k in self.parent:
            out.setdefault(self.find(k), []).append(k)
        return list(out.values())


def components(network: Network) -> list[Component]:
    """The silo's LPs: every active item at every active facility belongs to exactly one."""
    facilities = {f.id: f for f in network.facilities}
    lanes = _Union(facilities)
    for lane in network.lanes:
        lanes.join(lane.from_id, lane.to_id)
    out: list[Component] = []
    loose: dict[int, list[int]] = {}  # single facility, no cutting: merged per facility
    for group in lanes.groups():
        group_set = set(group)
        items = _Union(network.items)
        cutting: set[int] = set()
        for pattern in network.patterns:
            for fac in sorted(pattern.facility_ids & group_set):
                if not pattern_allowed(network, pattern, facilities[fac]):
                    continue
                cutting.add(pattern.input_id)
                for out_item, _ in pattern.outputs:
                    items.join(pattern.input_id, out_item)
                    cutting.add(out_item)
        # Patterns drawing on the same capacity row link their families.
        shared: dict[tuple[int, str], int] = {}
        for pattern in network.patterns:
            for fac in pattern.facility_ids & group_set:
                if pattern_allowed(network, pattern, facilities[fac]):
                    first = shared.setdefault((fac, pattern.process), pattern.input_id)
                    items.join(first, pattern.input_id)
        facs = tuple(sorted(group))
        for members in items.groups():
            if len(facs) == 1 and not cutting.intersection(members):
                loose.setdefault(facs[0], []).extend(members)
            else:
                out.append(Component(tuple(sorted(members)), facs))
    for fac, members in loose.items():
        out.append(Component(tuple(sorted(members)), (fac,)))
    out.sort(key=lambda c: (c.facilities, c.items))
    return out
