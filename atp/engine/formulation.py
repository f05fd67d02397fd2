"""The ATP linear program, written once with PuLP (docs/atp.md "The model" is this file in equations).

One LP per component (atp.engine.components): items I, facilities F, days t = 0..T-1 (day 0 = the engine's
today). Variables, all >= 0, named for what they are so an exported model reads as the plan:

  inv_<item>_<fac>_t<t>          closing stock; the last day's is valued at list price (objective -list)
  deliver_<item>_<fac>_t<t>      lb delivered to the request(s) of a check or a confirmation (objective -M)
  cut_<pattern>_<fac>_t<t>       lb of input cut on day t; outputs arrive lead_time_days later (processing cost)
  move_<item>_<from>_<to>_t<t>   lb leaving on a lane on day t, arriving lead time later (freight per lb)
  short_<item>_<fac>_t<t>        commitment left unserved that day (penalty P): keeps the LP feasible
  writeoff_<item>_<fac>_t<t>     dated stock salvaged at the end of day t, its use-by (objective -salvage)
  keepshort_<item>_<fac>_t<t>    dated-stock rule broken for a commitment (penalty P)

Rows:

  balance_<item>_<fac>_t<t> (=):  inv[t] - inv[t-1] + cut inputs - yield * cut outputs(t - lead) + moves out
                                  - moves in(t - lead) + deliver + writeoff - short  =  supply[t] - reserved[t]
  capacity_<fac>_<process>_t<t> (<=):  sum of the process class's cuts that day <= the facility's capacity
  keeps_<item>_<fac>_t<u> (<=), one per use-by day u of dated stock in the component (shelf life):
      inv[u] + moves out still in transit at the end of u - lb produced there by day u (+ deliver, for a request
      whose customer needs stock that keeps past u)  <=  supply up to u - dated lb expiring by u
      - reserved lb whose customer needs stock that keeps past u  (+ keepshort)

The warm engine (atp.engine.model) builds this once per structure, hands it to HiGHS through PuLP's HiGHS API
solver (`buildSolverModel` makes `problem.solverModel`, a highspy.Highs), and from then on only changes bounds;
rows and columns that depend on the position (shortfalls, shelf-life rows) are added through this class too,
so the PuLP problem always is the LP HiGHS holds. LP runs and the agreement tests build it cold with the
position filled in and solve it through PuLP (HiGHS or CBC).
"""

from __future__ import annotations

import re
from collections import defaultdict

import pulp

from atp.engine.components import Component, pattern_allowed
from atp.selectors import Network, Position

# Lexicographic objective by weights: serving one more requested lb is worth M, far above any cost per lb;
# leaving a commitment unserved costs P > M, so a request never takes stock already promised.
M = 1.0e5
P = 1.0e6
INF = float("inf")
# Dated stock that reaches its use-by unused is not worthless: it is marked down, frozen or sold for grinding
# before it expires. A lb written off is credited at this share of its list price (docs/atp.md "Expiring stock"):
# below list, so the plan uses the shortest-dated stock first and a request drawing on it costs what it forgoes.
SALVAGE_SHARE = 0.5


def _names(codes: dict[int, str]) -> dict[int, str]:
    """PuLP-safe names per id, unique even when two codes only differ in characters PuLP replaces."""
    clean = {k: re.sub(r"[^A-Za-z0-9]", "_", v) or "x" for k, v in codes.items()}
    seen: dict[str, int] = defaultdict(int)
    for v in clean.values():
        seen[v] += 1
    return {k: (v if seen[v] == 1 else f"{v}_{k}") for k, v in clean.items()}


class Formulation:
    """The LP of one component. `placeholders=True` (the warm engine) gives every balance row a delivery
    column fixed at 0 that a check opens; otherwise only `requests` [(item, facility, day, lb)] get one."""

    def __init__(
        self,
        network: Network,
        component: Component,
        days: int,
        *,
        placeholders: bool = True,
        position: Position | None = None,
        requests: list[tuple[int, int, int, float]] = (),
        offsets: dict[int, int] | None = None,
        name: str = "atp",
        problem: pulp.LpProblem | None = None,
    ):
        self.network = network
        self.items = list(component.items)
        self.facilities = list(component.facilities)
        self.T = T = days
        self.ipos = {item: n for n, item in enumerate(self.items)}
        self.fpos = {fac: n for n, fac in enumerate(self.facilities)}
        self.nb = len(self.items) * len(self.facilities) * T
        fac_by_id = {f.id: f for f in network.facilities}
        self.fac_code = {f: fac_by_id[f].code for f in self.facilities}
        self.iname = _names({i: network.items[i].imps_code for i in self.items})
        self.fname = _names(self.fac_code)
        self.pname = _names({p.id: p.code for p in network.patterns})
        # Several components can share one problem (an LP run solves the silo as one model): every name
        # carries its item and facility, and each belongs to exactly one component, so names never collide.
        self.problem = problem if problem is not None else pulp.LpProblem(name, pulp.LpMinimize)
        self.offsets = offsets or {}

        # Balance rows collect their terms first; the constraints are made once at the end.
        terms: list[list[tuple[pulp.LpVariable, float]]] = [[] for _ in range(self.nb)]
        objective: list[tuple[pulp.LpVariable, float]] = []
        self.inv: list[pulp.LpVariable] = []
        for item in self.items:
            price = float(network.items[item].list_price_per_lb)
            for fac in self.facilities:
                for t in range(T):
                    var = self.problem.add_variable(f"inv_{self.iname[item]}_{self.fname[fac]}_t{t}", lowBound=0)
                    b = self.b(item, fac, t)
                    terms[b].append((var, 1.0))
                    if t + 1 < T:
                        terms[b + 1].append((var, -1.0))
                    else:
                        objective.append((var, -price))
                    self.inv.append(var)
        self.deliver: dict[int, pulp.LpVariable] = {}
        wanted = range(self.nb) if placeholders else [self.b(i, f, t) for i, f, t, _ in requests]
        for b in wanted:
            if b in self.deliver:
                continue
            item, fac, t = self.unb(b)
            var = self.problem.add_variable(f"deliver_{self.iname[item]}_{self.fname[fac]}_t{t}", lowBound=0, upBound=0)
            terms[b].append((var, 1.0))
            objective.append((var, -M))
            self.deliver[b] = var
        for item, fac, t, lb in requests:
            self.deliver[self.b(item, fac, t)].upBound = (self.deliver[self.b(item, fac, t)].upBound or 0) + lb

        # Cutting: a pattern at each facility that may run it; outputs arrive after the pattern's lead time.
        item_set = set(self.items)
        self.cuts: list[tuple[pulp.LpVariable, object, int, int]] = []  # (var, pattern, facility, day)
        capacity: dict[tuple[int, str, int], list] = defaultdict(list)
        for pattern in network.patterns:
            if pattern.input_id not in item_set:
                continue
            for fac in sorted(pattern.facility_ids & set(self.facilities)):
                if not pattern_allowed(network, pattern, fac_by_id[fac]):
                    continue
                for t in range(T - pattern.lead_time_days):
                    var = self.problem.add_variable(f"cut_{self.pname[pattern.id]}_{self.fname[fac]}_t{t}", lowBound=0)
                    terms[self.b(pattern.input_id, fac, t)].append((var, 1.0))
                    for out_item, yield_fraction in pattern.outputs:
                        terms[self.b(out_item, fac, t + pattern.lead_time_days)].append((var, -float(yield_fraction)))
                    capacity[(fac, pattern.process, t)].append(var)
                    objective.append((var, float(pattern.processing_cost_per_lb)))
                    self.cuts.append((var, pattern, fac, t))
        # Transfers along active lanes between the component's facilities, every item.
        self.moves: list[tuple[pulp.LpVariable, object, int, int]] = []  # (var, lane, item, day)
        for lane in network.lanes:
            if lane.from_id not in self.fpos or lane.to_id not in self.fpos:
                continue
            route = f"{self.fname[lane.from_id]}_{self.fname[lane.to_id]}"
            for item in self.items:
                for t in range(T - lane.lead_time_days):
                    var = self.problem.add_variable(f"move_{self.iname[item]}_{route}_t{t}", lowBound=0)
                    terms[self.b(item, lane.from_id, t)].append((var, 1.0))
                    terms[self.b(item, lane.to_id, t + lane.lead_time_days)].append((var, -1.0))
                    objective.append((var, float(lane.cost_per_lb)))
                    self.moves.append((var, lane, item, t))

        self.balance: list[pulp.LpConstraint] = []
        for b in range(self.nb):
            item, fac, t = self.unb(b)
            row = pulp.LpConstraint(pulp.LpAffineExpression(terms[b]), pulp.LpConstraintEQ, rhs=0.0)
            self.problem.addConstraint(row, f"balance_{self.iname[item]}_{self.fname[fac]}_t{t}")
            self.balance.append(row)
        self.capacity: dict[tuple[int, str, int], pulp.LpConstraint] = {}
        for (fac, process, t), cut_vars in sorted(capacity.items()):
            limit = float(fac_by_id[fac].capacity(process))
            row = pulp.LpConstraint(pulp.lpSum(cut_vars), pulp.LpConstraintLE, rhs=limit)
            self.problem.addConstraint(row, f"capacity_{self.fname[fac]}_{process}_t{t}")
            self.capacity[(fac, process, t)] = row
        if self.problem.objective is None:
            self.problem.setObjective(pulp.LpAffineExpression(objective))
        else:
            self.problem.objective.addInPlace(pulp.LpAffineExpression(objective))
        self.short: dict[int, pulp.LpVariable] = {}
        self.keeps: dict[tuple[int, int, int], pulp.LpConstraint] = {}
        self.keep_cols: dict[tuple[int, int, int], tuple[pulp.LpVariable, pulp.LpVariable]] = {}
        self._keep_by: tuple[dict, dict] | None = None
        if position is not None:
            self.fill(position)

    def b(self, item: int, facility: int, day: int) -> int:
        return (self.ipos[item] * len(self.facilities) + self.fpos[facility]) * self.T + day

    def unb(self, b: int) -> tuple[int, int, int]:
        ii, rest = divmod(b, len(self.facilities) * self.T)
        fi, t = divmod(rest, self.T)
        return self.items[ii], self.facilities[fi], t

    # --- position-dependent parts (also used by the warm engine, one piece at a time) -----------------------

    def short_column(self, b: int) -> pulp.LpVariable:
        """The shortfall column of balance row b (a commitment there may go unserved, at penalty P)."""
        item, fac, t = self.unb(b)
        var = self.problem.add_variable(f"short_{self.iname[item]}_{self.fname[fac]}_t{t}", lowBound=0, upBound=0)
        self.balance[b].expr[var] = -1.0
        self.problem.objective[var] = P
        self.short[b] = var
        return var

    def _keep_index(self):
        """Moves by (item, source facility) and cut outputs by (item, facility), built once: a shelf-life row
        reads only its own pair's columns (scanning every cut and move per row cost ~1.4 s on the demo's LP)."""
        if self._keep_by is None:
            moves_out: dict[tuple[int, int], list] = defaultdict(list)
            for var, lane, move_item, t in self.moves:
                moves_out[(move_item, lane.from_id)].append((var, lane.lead_time_days, t))
            made_here: dict[tuple[int, int], list] = defaultdict(list)
            for var, pattern, cut_fac, t in self.cuts:
                for out_item, yield_fraction in pattern.outputs:
                    made_here[(out_item, cut_fac)].append((var, t + pattern.lead_time_days, float(yield_fraction)))
            self._keep_by = (moves_out, made_here)
        return self._keep_by

    def keep_row(self, item: int, fac: int, u: int) -> tuple[pulp.LpConstraint, list[pulp.LpVariable]]:
        """The shelf-life row of `item` at `fac` for use-by day u, with its write-off and slack columns.

        Derived in docs/atp.md: lots that expire by u must have left by the end of u (consumed, cut, or shipped
        to arrive by u), and stock that arrived by lane is counted as if it expired with them, so a transfer
        can never carry dated stock past its use-by (plans ship just in time instead).
        """
        name = f"{self.iname[item]}_{self.fname[fac]}_t{u}"
        terms: list[tuple[pulp.LpVariable, float]] = [(self.inv[self.b(item, fac, u)], 1.0)]
        moves_out, made_here = self._keep_index()
        for var, lead, t in moves_out.get((item, fac), ()):
            if u - lead < t <= u:
                terms.append((var, 1.0))
        for var, arrives, yield_fraction in made_here.get((item, fac), ()):
            if arrives <= u:
                terms.append((var, -yield_fraction))
        writeoff = self.problem.add_variable(f"writeoff_{name}", lowBound=0)
        slack = self.problem.add_variable(f"keepshort_{name}", lowBound=0)
        terms.append((slack, -1.0))
        row = pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintLE, rhs=0.0)
        self.problem.addConstraint(row, f"keeps_{name}")
        self.balance[self.b(item, fac, u)].expr[writeoff] = 1.0
        self.problem.objective[writeoff] = -SALVAGE_SHARE * float(self.network.items[item].list_price_per_lb)
        self.problem.objective[slack] = P
        self.keeps[(item, fac, u)] = row
        self.keep_cols[(item, fac, u)] = (writeoff, slack)
        return row, [writeoff, slack]

    def fill(self, position: Position) -> None:
        """Write `position` into the problem (cold builds: LP runs, exports, the agreement tests)."""
        data = position_data(self, position)
        for b, rhs in enumerate(data.rhs):
            self.balance[b].constant = -rhs
        for b, ub in data.short_ub.items():
            self.short_column(b).upBound = ub
        for (var, *_), lb, ub in zip(self.cuts, data.cut_lb, data.cut_ub, strict=True):
            var.lowBound, var.upBound = lb, ub
        for (var, *_), lb, ub in zip(self.moves, data.move_lb, data.move_ub, strict=True):
            var.lowBound, var.upBound = lb, ub
        for key, rhs in data.keeps.items():
            row, _ = self.keep_row(*key)
            row.constant = -rhs

    def open_request(self, item: int, fac: int, day: int, lb: float, keep_until: int | None = None):
        """A cold request column (agreement tests, LP exports of a check): deliver up to lb; with `keep_until`,
        only from stock that keeps until that day."""
        b = self.b(item, fac, day)
        var = self.deliver.get(b)
        if var is None:
            var = self.deliver[b] = self.problem.add_variable(
                f"deliver_{self.iname[item]}_{self.fname[fac]}_t{day}", lowBound=0, upBound=0
            )
            self.balance[b].expr[var] = 1.0
            self.problem.objective[var] = -M
        var.upBound = (var.upBound or 0.0) + lb
        if keep_until is not None:
            for (k_item, k_fac, u), row in self.keeps.items():
                if k_item == item and k_fac == fac and day <= u < keep_until:
                    row.expr[var] = 1.0
        return var


class PositionData:
    """Bounds and right-hand sides of one position for one formulation (numbers only; no PuLP objects)."""

    def __init__(self, n_rows: int, n_cuts: int, n_moves: int):
        self.rhs = [0.0] * n_rows
        self.short_ub: dict[int, float] = {}
        self.cut_lb = [0.0] * n_cuts
        self.cut_ub = [None] * n_cuts
        self.move_lb = [0.0] * n_moves
        self.move_ub = [None] * n_moves
        self.keeps: dict[tuple[int, int, int], float] = {}


def position_data(form: Formulation, position: Position) -> PositionData:
    """Turn a position into the formulation's numbers: balance right-hand sides, shortfall bounds, committed
    work as lower bounds, days already past at a facility closed (upper bound 0), and the shelf-life rows."""
    data = PositionData(form.nb, len(form.cuts), len(form.moves))
    owed = [0.0] * form.nb
    offsets = form.offsets
    for (fac, item, day), lb in position.supply.items():
        if item in form.ipos and fac in form.fpos and day < form.T:
            data.rhs[form.b(item, fac, day)] += lb
    for (fac, item, day), lb in position.demand.items():
        if item in form.ipos and fac in form.fpos and day < form.T:
            b = form.b(item, fac, max(day, offsets.get(fac, 0)))
            data.rhs[b] -= lb
            owed[b] += lb
    for b in range(form.nb):
        # Scheduled outflows (negative supply) are commitments too: they may go short, at the same penalty.
        ub = owed[b] + max(0.0, -(data.rhs[b] + owed[b]))
        if ub > 0:
            data.short_ub[b] = ub
    # Work dated before a facility's own today is still owed: it is due on that facility's first open day.
    for n, (_var, pattern, fac, t) in enumerate(form.cuts):
        start = offsets.get(fac, 0)
        if t < start:
            data.cut_ub[n] = 0.0  # that day is already over at the facility
        elif t == start:
            data.cut_lb[n] = sum(position.cuts.get((pattern.id, fac, d), 0.0) for d in range(t + 1))
        else:
            data.cut_lb[n] = position.cuts.get((pattern.id, fac, t), 0.0)
    for n, (_var, lane, item, t) in enumerate(form.moves):
        start = offsets.get(lane.from_id, 0)
        if t < start:
            data.move_ub[n] = 0.0
        elif t == start:
            data.move_lb[n] = sum(position.moves.get((lane.id, item, d), 0.0) for d in range(t + 1))
        else:
            data.move_lb[n] = position.moves.get((lane.id, item, t), 0.0)
    data.keeps = keep_rhs(form, position)
    return data


def keep_rhs(form: Formulation, position: Position) -> dict[tuple[int, int, int], float]:
    """Right-hand side of every shelf-life row the position needs: (item, facility, use-by day) -> lb.

    A row exists at every facility of the component for each use-by day of the item's dated stock anywhere in
    it (stock shipped there may carry that date): supply up to u, less dated lb expiring by u, less reserved
    lb that must keep past u.
    """
    deadlines: dict[int, set[int]] = defaultdict(set)
    for (fac, item), lots in position.dated.items():
        if item in form.ipos and fac in form.fpos:
            for u, _lb in lots:
                if 0 <= u < form.T - 1:
                    deadlines[item].add(u)
    out: dict[tuple[int, int, int], float] = {}
    for item, days in deadlines.items():
        for fac in form.facilities:
            supply = [position.supply.get((fac, item, t), 0.0) for t in range(form.T)]
            dated = position.dated.get((fac, item), [])
            for u in sorted(days):
                rhs = sum(supply[: u + 1]) - sum(lb for d, lb in dated if d <= u)
                for (k_fac, k_item, day, until), lb in position.keep_until.items():
                    if k_fac == fac and k_item == item and day <= u < until:
                        rhs -= lb
                out[(item, fac, u)] = rhs
    return out
