"""The ATP linear program over one family of items (those linked by cutting patterns), every active
facility and days 0..T-1 (day 0 = today), held in one highspy object and re-solved warm.

Columns (all >= 0), b = (item, facility, day):
  inv[b]    closing inventory; the last day's is valued at the item's list price (objective -list)
  d[b]      delivery to a request: placeholder columns fixed at [0, 0]; a check opens one to [0, q]
  short[b]  unmet commitment (reservations, scheduled outflows), bounded by them, penalised by P; only
            for rows that carry a commitment (added when one appears)
  cut[p,f,t]   lb of input cut by pattern p at facility f on day t (processing cost)
  x[l,i,t]     lb of item i leaving on lane l on day t, arriving t + lead time (lane cost)
Rows:
  balance[b]:  inv[t] - inv[t-1] + d + cons - prod + x_out - x_in - short = supply - reserved
  capacity[f,t]: sum_p cut[p,f,t] <= daily capacity
A check only changes column bounds (d) and, when stock or reservations change, row bounds: the
structure never changes, so HiGHS re-solves from the previous basis.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np

from atp.selectors import Network, Position

# Lexicographic objective by weights: serving one more requested lb is worth M, far above any cost per lb;
# leaving a commitment unserved costs P > M, so a request never takes stock already promised.
M = 1.0e5
PREPARE_S = 30.0  # preparing a model (first solve, price table) is not a request's solve
P = 1.0e6
EPS = 1e-6
PRIMAL_CATEGORIES = frozenset({"carcass", "primal"})


class SolverFailure(Exception):
    """HiGHS did not reach an optimum (time limit, numerical trouble)."""

    def __init__(self, reason: str, *, timed_out: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.timed_out = timed_out


@dataclass
class Solve:
    served: float
    marginal: float | None
    sources: list[dict]
    solve_ms: float
    cost: float = 0.0  # the plan's cost net of the delivery's weight (for finite-difference checks)
    from_table: bool = False


class AtpModel:
    def __init__(self, network: Network, item_ids: set[int], days: int):
        started = time.perf_counter()
        self.network = network
        self.items = sorted(item_ids)
        self.facilities = [f.id for f in network.facilities]
        self.fac_code = {f.id: f.code for f in network.facilities}
        self.ipos = {item: n for n, item in enumerate(self.items)}
        self.fpos = {fac: n for n, fac in enumerate(self.facilities)}
        self.T = days
        n_items, n_fac, T = len(self.items), len(self.facilities), days
        self.nb = nb = n_items * n_fac * T
        item_set = set(self.items)
        fac_by_id = {f.id: f for f in network.facilities}

        cost = [0.0] * (2 * nb)
        lower = [0.0] * (2 * nb)
        upper = [highspy.kHighsInf] * nb + [0.0] * nb
        cols: list[int] = []
        rows: list[int] = []
        vals: list[float] = []
        for item in self.items:
            price = float(network.items[item].list_price_per_lb)
            for fac in self.facilities:
                base = self.b(item, fac, 0)
                cost[base + T - 1] = -price
                for t in range(T):
                    b = base + t
                    cols.append(b), rows.append(b), vals.append(1.0)
                    if t + 1 < T:
                        cols.append(b), rows.append(b + 1), vals.append(-1.0)
                    cols.append(nb + b), rows.append(b), vals.append(1.0)
        for b in range(nb):
            cost[nb + b] = -M

        # Cutting: patterns of this family, at facilities that may run them and have capacity.
        n_rows = nb
        self.cap_row: dict[tuple[int, int], int] = {}
        self.cuts: list[tuple[int, object, int, int]] = []  # (col, pattern, facility, day)
        for pattern in network.patterns:
            if pattern.input_id not in item_set:
                continue
            input_cat = network.items[pattern.input_id].category
            for fac in sorted(pattern.facility_ids):
                facility = fac_by_id.get(fac)
                if facility is None or facility.daily_capacity_lb <= 0:
                    continue
                if input_cat in PRIMAL_CATEGORIES and not facility.can_break:
                    continue
                for t in range(T):
                    if (fac, t) not in self.cap_row:
                        self.cap_row[(fac, t)] = n_rows
                        n_rows += 1
                    col = len(cost)
                    self.cuts.append((col, pattern, fac, t))
                    cost.append(float(pattern.processing_cost_per_lb))
                    lower.append(0.0)
                    upper.append(highspy.kHighsInf)
                    cols.append(col), rows.append(self.b(pattern.input_id, fac, t)), vals.append(1.0)
                    for out_item, yield_fraction in pattern.outputs:
                        cols.append(col), rows.append(self.b(out_item, fac, t)), vals.append(-float(yield_fraction))
                    cols.append(col), rows.append(self.cap_row[(fac, t)]), vals.append(1.0)
        # Transfers along active lanes, every item of the family.
        self.moves: list[tuple[int, object, int, int]] = []  # (col, lane, item, day)
        for lane in network.lanes:
            if lane.from_id not in self.fpos or lane.to_id not in self.fpos:
                continue
            for item in self.items:
                for t in range(T - lane.lead_time_days):
                    col = len(cost)
                    self.moves.append((col, lane, item, t))
                    cost.append(float(lane.cost_per_lb))
                    lower.append(0.0)
                    upper.append(highspy.kHighsInf)
                    cols.append(col), rows.append(self.b(item, lane.from_id, t)), vals.append(1.0)
                    cols.append(col), rows.append(self.b(item, lane.to_id, t + lane.lead_time_days)), vals.append(-1.0)

        n_cols = len(cost)
        self.n_rows, self.n_cols = n_rows, n_cols
        self.cut_cols = np.asarray([c[0] for c in self.cuts], dtype=np.int64)
        self.move_cols = np.asarray([m[0] for m in self.moves], dtype=np.int64)
        row_lower = np.zeros(n_rows)
        row_upper = np.zeros(n_rows)
        for (fac, _t), r in self.cap_row.items():
            row_lower[r] = -highspy.kHighsInf
            row_upper[r] = float(fac_by_id[fac].daily_capacity_lb)
        col_arr = np.asarray(cols, dtype=np.int64)
        order = np.argsort(col_arr, kind="stable")
        starts = np.zeros(n_cols + 1, dtype=np.int32)
        np.cumsum(np.bincount(col_arr, minlength=n_cols), out=starts[1:])
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_cols, n_rows
        lp.col_cost_ = np.asarray(cost)
        lp.col_lower_ = np.asarray(lower)
        lp.col_upper_ = np.asarray(upper)
        lp.row_lower_, lp.row_upper_ = row_lower, row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = starts
        lp.a_matrix_.index_ = np.asarray(rows, dtype=np.int32)[order]
        lp.a_matrix_.value_ = np.asarray(vals)[order]
        # Two HiGHS objects on the same LP: `h` re-solves requests warm (its basis follows them); `ht` holds the
        # baseline's optimal basis and factorisation untouched, for the price table's basis solves.
        self.h, self.ht = highspy.Highs(), highspy.Highs()
        for h in (self.h, self.ht):
            h.setOptionValue("output_flag", False)
            # Dual simplex: a bound change keeps the basis dual feasible, so a warm re-solve is a few pivots.
            h.setOptionValue("solver", "simplex")
            h.setOptionValue("simplex_strategy", 1)
            h.setOptionValue("presolve", "off")  # presolve would discard the warm basis on every re-solve
            h.passModel(lp)
        self.rhs = np.zeros(nb)
        self.short_ub = np.zeros(nb)
        # Shortfall columns exist only where a commitment does (added as commitments appear, never removed:
        # unused ones sit at [0, 0]); thousands of empty ones would slow every solve by a third.
        self.short_col: dict[int, int] = {}
        self.baseline: np.ndarray | None = None
        self.table: tuple | bool | None = None  # tier 1: (duals, lowest rhs keeping the basis, values, basic)
        self.position_mark: tuple | None = None
        self.position_loaded = 0.0
        self.build_ms = (time.perf_counter() - started) * 1000

    def b(self, item: int, facility: int, day: int) -> int:
        return (self.ipos[item] * len(self.facilities) + self.fpos[facility]) * self.T + day

    # --- data -------------------------------------------------------------------------------------------

    def position_apply(self, position: Position, mark: tuple) -> None:
        """Set the balance rows' right-hand sides and the shortage bounds from stock and reservations."""
        rhs = np.zeros(self.nb)
        owed = np.zeros(self.nb)
        for (fac, item, day), lb in position.supply.items():
            if item in self.ipos and fac in self.fpos and day < self.T:
                rhs[self.b(item, fac, day)] += lb
        for (fac, item, day), lb in position.demand.items():
            if item in self.ipos and fac in self.fpos and day < self.T:
                b = self.b(item, fac, day)
                rhs[b] -= lb
                owed[b] += lb
        # Scheduled outflows (negative supply) are commitments too: they may go short, at the same penalty.
        short_ub = owed + np.maximum(0.0, -(rhs + owed))
        changed = np.nonzero(rhs != self.rhs)[0]
        if len(changed):
            for h in (self.h, self.ht):
                h.changeRowsBounds(len(changed), changed.astype(np.int32), rhs[changed], rhs[changed])
        short_changed = np.nonzero(short_ub != self.short_ub)[0]
        self._short_bounds(short_changed, short_ub)
        self.rhs, self.short_ub = rhs, short_ub
        if len(changed) or len(short_changed):
            # Only a real change costs a new baseline and table; a periodic reload that finds none is cheap.
            self.baseline = None
            self.table = None
        self.position_mark = mark
        self.position_loaded = time.monotonic()

    def demand_add(self, item: int, facility: int, day: int, lb: float) -> None:
        """Add a commitment (used while allocating several lines together); undo with a negative lb."""
        b = self.b(item, facility, day)
        self.rhs[b] -= lb
        short_ub = self.short_ub.copy()
        short_ub[b] = max(0.0, short_ub[b] + lb)
        for h in (self.h, self.ht):
            h.changeRowBounds(b, self.rhs[b], self.rhs[b])
        self._short_bounds(np.array([b]), short_ub)
        self.short_ub = short_ub
        self.baseline = None
        self.table = None

    def _short_bounds(self, changed: np.ndarray, short_ub: np.ndarray) -> None:
        """Give rows `changed` their shortfall bound, adding the column where a commitment is new."""
        existing = [b for b in changed if b in self.short_col]
        if existing:
            cols = np.asarray([self.short_col[b] for b in existing], dtype=np.int32)
            ub = short_ub[np.asarray(existing)]
            for h in (self.h, self.ht):
                h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), ub)
        new = [int(b) for b in changed if b not in self.short_col and short_ub[b] > 0]
        if new:
            first = self.h.getNumCol()
            n = len(new)
            for h in (self.h, self.ht):
                h.addCols(n, np.full(n, P), np.zeros(n), short_ub[np.asarray(new)], n,
                          np.arange(n, dtype=np.int32), np.asarray(new, dtype=np.int32), np.full(n, -1.0))  # fmt: skip
            for k, b in enumerate(new):
                self.short_col[b] = first + k

    # --- solving ----------------------------------------------------------------------------------------

    def _run(self, time_limit_s: float) -> float:
        # HiGHS measures `time_limit` against the object's cumulative run clock, not this call: offset it.
        self.h.setOptionValue("time_limit", self.h.getRunTime() + max(time_limit_s, 0.0))
        started = time.perf_counter()
        self.h.run()
        elapsed = (time.perf_counter() - started) * 1000
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            timed_out = status == highspy.HighsModelStatus.kTimeLimit
            if not timed_out:
                # Numerical trouble may leave a basis HiGHS cannot reuse; start the next solve cold. A time-out
                # keeps its basis: the next solve continues from where this one stopped.
                self.h.clearSolver()
            raise SolverFailure(self.h.modelStatusToString(status), timed_out=timed_out)
        if elapsed > time_limit_s * 1000:
            # HiGHS checks its clock only between pivots (a presolved or one-pivot solve never looks at it);
            # the limit is a promise to the caller, so a late answer counts as a time-out.
            raise SolverFailure("Time limit reached", timed_out=True)
        return elapsed

    def baseline_ensure(self, time_limit_s: float, *, table: bool = False) -> float:
        """The plan without any request: what a request's plan is compared with to name its sources.

        `table=True` also prices every balance row from it (tier 1) on `ht`: the row duals and how far each
        row's right-hand side can fall before the optimal basis changes (HiGHS RHS ranging).
        """
        elapsed = 0.0
        if self.baseline is None:
            elapsed = self._run(time_limit_s)
            self.baseline = np.asarray(self.h.getSolution().col_value)
        if table and self.table is None:
            self.table = False  # attempted; stays False (no table) if HiGHS cannot solve or range it
            self.ht.setOptionValue("time_limit", self.ht.getRunTime() + PREPARE_S)
            self.ht.run()
            if self.ht.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                status, ranging = self.ht.getRanging()
                if status == highspy.HighsStatus.kOk and ranging.valid:
                    solution = self.ht.getSolution()
                    self.table = (
                        np.asarray(solution.row_dual)[: self.nb].copy(),
                        np.asarray(ranging.row_bound_dn.value_)[: self.nb].copy(),
                        np.asarray(solution.col_value),
                        np.asarray(self.ht.getBasicVariables()[1], dtype=np.int64),
                    )
        return elapsed

    def lookup(self, item: int, facility: int, day: int, quantity: float, *, detail: bool = True) -> Solve | None:
        """Tier 1: answer from the baseline's prices when the request stays inside its row's range, else None.

        Inside the range the baseline's basis stays optimal with the delivery at `quantity` (it enters at its
        upper bound, a right-hand-side change of its balance row), so the full quantity is served at the row's
        dual, and the plan moves along B^-1 e_b: one basis solve instead of a re-solve.
        """
        if not self.table:
            return None
        started = time.perf_counter()
        duals, lowest, base_values, basic = self.table
        b = self.b(item, facility, day)
        # Strictly inside: at the range's end the basis is degenerate and the step direction is not unique.
        if self.rhs[b] - quantity < lowest[b] + 1e-7 * max(1.0, abs(lowest[b])):
            return None
        marginal = -float(duals[b])
        if abs(marginal) >= M / 10:
            return None
        if not detail:  # a probe: the range alone proves the full quantity can be served at this price
            return Solve(quantity, marginal, [], (time.perf_counter() - started) * 1000, from_table=True)
        unit = np.zeros(self.ht.getNumRow())
        unit[b] = 1.0
        status, z = self.ht.getBasisSolve(unit)
        if status != highspy.HighsStatus.kOk:
            return None
        delta = np.zeros(len(base_values))
        structural = basic >= 0
        delta[basic[structural]] = -quantity * np.asarray(z)[structural]
        delta[self.nb + b] += quantity
        values = base_values + delta
        if values.min() < -1e-6:  # numerical guard: the range promised feasibility; never trust a bad step
            return None
        sources = self._sources(item, values, base_values)
        if abs(sum(src["lb"] for src in sources) - quantity) > 0.01:
            return None  # the step did not trace back to its sources cleanly: let the solve answer
        return Solve(quantity, marginal, sources, (time.perf_counter() - started) * 1000, from_table=True)

    def solve(
        self, item: int, facility: int, day: int, quantity: float, time_limit_s: float, *, detail=True, price=True
    ) -> Solve:
        """Deliver up to `quantity` lb of `item` at `facility` on `day`: lb served, marginal cost, sources.

        `detail=False` skips the sources; `price=False` also skips the second solve that prices a partial
        answer's last lb (its marginal is then None), for the many quick probes of a partial answer.
        """
        b = self.b(item, facility, day)
        col = self.nb + b
        elapsed = self.baseline_ensure(time_limit_s) if detail else 0.0
        try:
            self.h.changeColBounds(col, 0.0, quantity)
            elapsed += self._run(time_limit_s)
            solution = self.h.getSolution()
            served = max(0.0, min(quantity, solution.col_value[col]))
            cost = self.h.getInfo().objective_function_value + M * solution.col_value[col]
            if served < 0.005:
                return Solve(0.0, None, [], elapsed, cost)
            marginal = -solution.row_dual[b]
            values = np.asarray(solution.col_value) if detail else None
            if (served < quantity - 0.005 or abs(marginal) >= M / 10) and not price:
                marginal = None
            elif served < quantity - 0.005 or abs(marginal) >= M / 10:
                # The row's dual at the largest servable quantity prices the impossible next lb; price the
                # last lb actually served instead (left derivative), with the delivery just below it.
                self.h.changeColBounds(col, 0.0, served - min(1.0, served / 2))
                elapsed += self._run(time_limit_s)
                marginal = -self.h.getSolution().row_dual[b]
            sources = self._sources(item, values) if detail else []
            return Solve(served, marginal, sources, elapsed, cost)
        finally:
            self.h.changeColBounds(col, 0.0, 0.0)

    def _sources(self, item: int, values: np.ndarray, base: np.ndarray | None = None) -> list[dict]:
        """Where the delivered lb come from: the change from the plan without the request, per facility.

        Only the columns that moved are visited (numpy picks them), so this stays cheap on large models.
        """
        delta = values - (self.baseline if base is None else base)
        net = self.network
        acc = {
            fac: {"drawn": -delta[self.b(item, fac, self.T - 1)], "produced": 0.0, "consumed": 0.0, "cut": {},
                  "transfers": {}}
            for fac in self.facilities
        }  # fmt: skip
        for k in np.nonzero(np.abs(delta[self.cut_cols]) >= EPS)[0]:
            col, pattern, fac, _t = self.cuts[k]
            here = acc[fac]
            for out_item, yield_fraction in pattern.outputs:
                if out_item == item:
                    lb = delta[col] * float(yield_fraction)
                    here["produced"] += lb
                    entry = here["cut"].setdefault(
                        pattern.id,
                        {"pattern": pattern.code, "input_imps_code": net.items[pattern.input_id].imps_code,
                         "input_lb": 0.0, "output_lb": 0.0},
                    )  # fmt: skip
                    entry["input_lb"] += delta[col]
                    entry["output_lb"] += lb
            if pattern.input_id == item:
                here["consumed"] += delta[col]
        for k in np.nonzero(delta[self.move_cols] >= EPS)[0]:
            col, lane, move_item, _t = self.moves[k]
            # The requested item is listed where it leaves; an input item where it arrives to be cut.
            fac = lane.from_id if move_item == item else lane.to_id
            entry = acc[fac]["transfers"].setdefault(
                (lane.id, move_item),
                {"from_facility": self.fac_code[lane.from_id], "to_facility": self.fac_code[lane.to_id],
                 "imps_code": net.items[move_item].imps_code, "lb": 0.0,
                 "lead_time_days": lane.lead_time_days, "cost_per_lb": lane.cost_per_lb},
            )  # fmt: skip
            entry["lb"] += delta[col]
        out = []
        for fac, here in acc.items():
            supply = here["drawn"] + here["produced"] - here["consumed"]
            if supply < 0.005:
                continue
            out.append(
                {
                    "facility_id": self.fac_code[fac],
                    "facility_pk": fac,
                    "lb": supply,
                    "on_hand_lb": max(0.0, supply - here["produced"]),
                    "cut": [e for e in here["cut"].values() if e["output_lb"] >= 0.005],
                    "transfers": [e for e in here["transfers"].values() if e["lb"] >= 0.005],
                }
            )
        out.sort(key=lambda e: -e["lb"])
        return out

    def plan(self, time_limit_s: float) -> tuple[float, list[dict]]:
        """The plan without any request (LP runs): objective and the cuts and transfers it makes."""
        self.baseline = None
        self.baseline_ensure(time_limit_s)
        values = self.baseline
        objective = float(self.h.getInfo().objective_function_value)
        rows = []
        for col, pattern, fac, t in self.cuts:
            if values[col] >= 0.005:
                rows.append(
                    {
                        "kind": "cut",
                        "day": t,
                        "facility_id": self.fac_code[fac],
                        "pattern": pattern.code,
                        "imps_code": self.network.items[pattern.input_id].imps_code,
                        "lb": values[col],
                    }
                )
        for col, lane, item, t in self.moves:
            if values[col] >= 0.005:
                rows.append(
                    {
                        "kind": "transfer",
                        "day": t,
                        "facility_id": self.fac_code[lane.from_id],
                        "to_facility_id": self.fac_code[lane.to_id],
                        "imps_code": self.network.items[item].imps_code,
                        "lb": values[col],
                    }
                )
        for b in range(self.nb):
            short = values[self.short_col[b]] if b in self.short_col else 0.0
            if short >= 0.005:
                ii, rest = divmod(b, len(self.facilities) * self.T)
                fi, t = divmod(rest, self.T)
                rows.append({"kind": "shortfall", "day": t, "facility_id": self.fac_code[self.facilities[fi]],
                             "imps_code": self.network.items[self.items[ii]].imps_code, "lb": short})  # fmt: skip
        return objective, rows
