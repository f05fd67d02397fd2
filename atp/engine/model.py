"""The warm engine: one component's LP (atp.engine.formulation), built with PuLP, held in HiGHS and re-solved warm.

PuLP builds the problem once per structure and hands it to HiGHS through its HiGHS API solver
(`buildSolverModel`: `problem.solverModel` is the highspy.Highs object). From then on a check only changes
column bounds and a data change only row bounds (plus rows and columns added through the formulation where a
new commitment or a new use-by date appears), so every solve starts from the previous optimal basis.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import pulp

from atp.engine import basis
from atp.engine.components import Component
from atp.engine.formulation import INF, Formulation, M, P, position_data
from atp.selectors import Network, Position

PREPARE_S = 120.0  # preparing a model (first solve, price table) is not a request's solve (atp.engine.cache)
EPS = 1e-6
# A solve that reaches its time limit continues this many more times (warm, from where it stopped) before the
# request answers 503: under ordinary load a large request on the demo's LP (1,000+ pivots) needs ~160 ms against
# the default 150 ms limit, and HiGHS checks its clock only between pivots anyway. A solve still unfinished
# after (1 + CONTINUATIONS) limits is a time-out.
CONTINUATIONS = 1
HINF = highspy.kHighsInf


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


def _configure(h: highspy.Highs) -> None:
    h.setOptionValue("output_flag", False)
    # Dual simplex: a bound change keeps the basis dual feasible, so a warm re-solve is a few pivots.
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("simplex_strategy", 1)
    h.setOptionValue("presolve", "off")  # presolve would discard the warm basis on every re-solve
    # Devex pricing: a bound change makes HiGHS drop its dual steepest-edge weights, and recomputing them costs
    # more than the few pivots of a warm re-solve (demo LP: 42 -> 20 ms per re-solve, same iterations).
    h.setOptionValue("simplex_dual_edge_weight_strategy", 1)


def _hb(value) -> float:
    return HINF if value is None or value == INF else float(value)


class AtpModel:
    def __init__(self, network: Network, component: Component, days: int, *, basis_key: str | None = None):
        started = time.perf_counter()
        # Where this LP's optimal basis is kept between processes (atp.engine.basis): a new worker's first solve
        # starts from it instead of from scratch (18,783 dual simplex iterations on the demo's LP, 2-8 s).
        self.basis_key = basis_key
        self.basis_restored = False
        self.network = network
        self.component = component
        self.form = form = Formulation(network, component, days, placeholders=True)
        self.items, self.facilities, self.T, self.nb = form.items, form.facilities, days, form.nb
        self.ipos, self.fpos, self.fac_code = form.ipos, form.fpos, form.fac_code
        solver = pulp.HiGHS(msg=False)
        solver.createAndConfigureSolver(form.problem)
        solver.buildSolverModel(form.problem)
        self.h: highspy.Highs = form.problem.solverModel
        # A second object on the same LP: `h`'s basis follows the requests (warm re-solves); `ht` holds the
        # baseline's optimal basis and factorisation untouched, for the price table's basis solves, and
        # solves the minimum-work plan of a confirmation.
        self.n_base_cols, self.n_base_rows = self.h.getNumCol(), self.h.getNumRow()
        self.ht = highspy.Highs()
        _configure(self.h)
        _configure(self.ht)
        self.ht.passModel(self.h.getLp())
        self.hp: highspy.Highs | None = None  # the minimum-work planning LP, made at the first confirmation
        self.objects = [self.h, self.ht]
        self.bal_row = np.asarray([row.index for row in form.balance], dtype=np.int32)
        self.inv_col = np.asarray([var.index for var in form.inv], dtype=np.int32)
        self.d_col = np.asarray([form.deliver[b].index for b in range(self.nb)], dtype=np.int32)
        self.cut_cols = np.asarray([c[0].index for c in form.cuts], dtype=np.int64)
        self.move_cols = np.asarray([m[0].index for m in form.moves], dtype=np.int64)
        self.rhs = np.zeros(self.nb)
        self.short_ub = np.zeros(self.nb)
        self.cut_lb = np.zeros(len(form.cuts))
        self.cut_ub = np.full(len(form.cuts), HINF)
        self.move_lb = np.zeros(len(form.moves))
        self.move_ub = np.full(len(form.moves), HINF)
        self.keep_rhs: dict[tuple[int, int, int], float] = {}  # live shelf-life rows (others are relaxed)
        self.baseline: np.ndarray | None = None
        self.good_basis: highspy.HighsBasis | None = None
        self.table: tuple | bool | None = None  # tier 1: (duals, lowest rhs keeping the basis, values, basic)
        self.position_mark: tuple | None = None
        self.position_loaded = 0.0
        self.offsets: dict[int, int] = {}
        self.build_ms = (time.perf_counter() - started) * 1000

    def b(self, item: int, facility: int, day: int) -> int:
        return self.form.b(item, facility, day)

    def holds(self, item: int, facility: int) -> bool:
        return item in self.ipos and facility in self.fpos

    # --- data -------------------------------------------------------------------------------------------

    def position_apply(self, position: Position, mark: tuple, offsets: dict[int, int] | None = None) -> None:
        """Set right-hand sides and bounds from stock, reservations and committed work; add the shortfall
        columns and shelf-life rows the position needs. Only what changed is pushed to HiGHS."""
        self.form.offsets = self.offsets = dict(offsets or {})
        data = position_data(self.form, position)
        changed_any = False
        rhs = np.asarray(data.rhs)
        changed = np.nonzero(rhs != self.rhs)[0]
        if len(changed):
            rows = self.bal_row[changed]
            for h in self.objects:
                h.changeRowsBounds(len(rows), rows, rhs[changed], rhs[changed])
            changed_any = True
        self.rhs = rhs
        short_ub = np.zeros(self.nb)
        for b, ub in data.short_ub.items():
            short_ub[b] = ub
        short_changed = np.nonzero(short_ub != self.short_ub)[0]
        if len(short_changed):
            self._short_bounds(short_changed, short_ub)
            changed_any = True
        self.short_ub = short_ub
        for cols, old_lb, old_ub, lb, ub in (
            (self.cut_cols, self.cut_lb, self.cut_ub, data.cut_lb, data.cut_ub),
            (self.move_cols, self.move_lb, self.move_ub, data.move_lb, data.move_ub),
        ):
            new_lb = np.asarray(lb, dtype=float)
            new_ub = np.asarray([_hb(v) for v in ub])
            moved = np.nonzero((new_lb != old_lb) | (new_ub != old_ub))[0]
            if len(moved):
                idx = cols[moved].astype(np.int32)
                for h in self.objects:
                    h.changeColsBounds(len(idx), idx, new_lb[moved], new_ub[moved])
                old_lb[:], old_ub[:] = new_lb, new_ub
                changed_any = True
        if data.keeps != self.keep_rhs:
            self._keeps_apply(data.keeps)
            changed_any = True
        if changed_any:
            # Only a real change costs a new baseline and table; a periodic reload that finds none is cheap.
            self.baseline = None
            self.table = None
        self.position_mark = mark
        self.position_loaded = time.monotonic()

    def demand_add(self, item: int, facility: int, day: int, lb: float) -> None:
        """Add a commitment (lines of one confirmation); undo with a negative lb."""
        b = self.b(item, facility, day)
        self.rhs[b] -= lb
        short_ub = self.short_ub.copy()
        short_ub[b] = max(0.0, short_ub[b] + lb)
        for h in self.objects:
            h.changeRowBounds(int(self.bal_row[b]), self.rhs[b], self.rhs[b])
        self._short_bounds(np.array([b]), short_ub)
        self.short_ub = short_ub
        self.baseline = None
        self.table = None

    def _add_cols(self, variables: list[pulp.LpVariable], entries: list[list[tuple[int, float]]]) -> None:
        """Push new formulation columns (cost, bounds, [(row, coefficient)]) to every HiGHS object.

        The planning object prices them by `plan_cost` (penalties stay penalties, everything else is free)."""
        first = self.h.getNumCol()
        costs = np.asarray([self.form.problem.objective.get(v, 0.0) for v in variables], dtype=float)
        lower = np.asarray([v.lowBound or 0.0 for v in variables], dtype=float)
        upper = np.asarray([_hb(v.upBound) for v in variables])
        starts = np.cumsum([0] + [len(e) for e in entries[:-1]]).astype(np.int32)
        index = np.asarray([r for e in entries for r, _ in e], dtype=np.int32)
        value = np.asarray([c for e in entries for _, c in e], dtype=float)
        for h in self.objects:
            cost = np.where(costs >= P, P, 0.0) if h is self.hp else costs
            h.addCols(len(variables), cost, lower, upper, len(index), starts, index, value)
        for n, var in enumerate(variables):
            var.index = first + n

    def planner(self) -> highspy.Highs:
        """The minimum-work LP (same rows and bounds, another objective): every lb cut or moved costs 1 (plus a
        tie-break of a thousandth of its processing or freight cost), commitments keep their penalty, stock
        has no value. Its solution is the work the commitments need, without the cutting that only creates
        value; a confirmation's plan is read from it (atp.engine.orders)."""
        if self.hp is None:
            hp = highspy.Highs()
            _configure(hp)
            lp = self.h.getLp()
            costs = np.asarray(lp.col_cost_, dtype=float)
            plan = np.where(costs >= P, P, 0.0)
            for cols in (self.cut_cols, self.move_cols):
                plan[cols] = 1.0 + 1e-3 * costs[cols]
            lp.col_cost_ = plan
            # From HiGHS' slack basis: every cost here is >= 0, so that basis is dual feasible and the dual simplex
            # is quick; the request object's basis (optimal for list-valued stock) is a far worse start (measured:
            # over 1 s on the demo's LP).
            hp.passModel(lp)
            self.hp = hp
            self.objects.append(hp)
        return self.hp

    def _short_bounds(self, changed: np.ndarray, short_ub: np.ndarray) -> None:
        """Give rows `changed` their shortfall bound, adding the column where a commitment is new.

        Shortfall columns exist only where a commitment does (never removed: unused ones sit at [0, 0]);
        thousands of empty ones would slow every solve."""
        existing = [int(b) for b in changed if int(b) in self.form.short]
        if existing:
            cols = np.asarray([self.form.short[b].index for b in existing], dtype=np.int32)
            for h in self.objects:
                h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), short_ub[np.asarray(existing)])
        new = [int(b) for b in changed if int(b) not in self.form.short and short_ub[b] > 0]
        if new:
            variables = []
            for b in new:
                var = self.form.short_column(b)
                var.upBound = float(short_ub[b])
                variables.append(var)
            self._add_cols(variables, [[(int(self.bal_row[b]), -1.0)] for b in new])

    def _keeps_apply(self, wanted: dict[tuple[int, int, int], float]) -> None:
        """Shelf-life rows: update right-hand sides, add the rows a new use-by date needs, relax the rest."""
        form = self.form
        for key in self.keep_rhs.keys() - wanted.keys():
            row = form.keeps[key].index
            writeoff, slack = form.keep_cols[key]
            for h in self.objects:
                h.changeRowBounds(row, -HINF, HINF)
                h.changeColsBounds(2, np.asarray([writeoff.index, slack.index], dtype=np.int32), np.zeros(2),
                                   np.zeros(2))  # fmt: skip
        for key, rhs in wanted.items():
            if key not in form.keeps:
                row, (writeoff, slack) = form.keep_row(*key)
                self._add_cols([writeoff, slack], [[(int(self.bal_row[self.b(key[0], key[1], key[2])]), 1.0)], []])
                index = np.asarray([var.index for var in row.keys()], dtype=np.int32)
                value = np.asarray(list(row.values()), dtype=float)
                row.index = self.h.getNumRow()
                for h in self.objects:
                    h.addRows(1, np.asarray([-HINF]), np.asarray([rhs]), len(index), np.zeros(1, dtype=np.int32),
                              index, value)  # fmt: skip
            elif self.keep_rhs.get(key) != rhs:
                writeoff, slack = form.keep_cols[key]
                for h in self.objects:
                    h.changeRowBounds(form.keeps[key].index, -HINF, rhs)
                    h.changeColsBounds(2, np.asarray([writeoff.index, slack.index], dtype=np.int32), np.zeros(2),
                                       np.full(2, HINF))  # fmt: skip
        self.keep_rhs = dict(wanted)

    def keep_keys(self, item: int, facility: int, day: int, until: int) -> list[tuple[int, int, int]]:
        """Live shelf-life rows (their keys) a delivery on `day` that must keep until `until` has to respect."""
        return [k for k in self.keep_rhs if k[0] == item and k[1] == facility and day <= k[2] < until]

    def keep_rows(self, item: int, facility: int, day: int, until: int) -> list[int]:
        """Live shelf-life rows (their indexes) a delivery on `day` that must keep until `until` has to respect."""
        return [self.form.keeps[k].index for k in self.keep_keys(item, facility, day, until)]

    def keeps_shift(self, h: highspy.Highs, shift: dict[tuple[int, int, int], float]) -> None:
        """Lower the right-hand sides of shelf-life rows by `shift` lb (0: restore them). A delivery of exactly
        q lb that must keep until U enters its rows with coefficient 1, which is the same as lowering their
        right-hand sides by q: a bound change, so the solve stays warm (adding a column would make HiGHS
        refactorise and recompute its edge weights, 3 to 6 times a warm solve on the demo's LP)."""
        if not shift:
            return
        keys = list(shift)
        rows = np.asarray([self.form.keeps[k].index for k in keys], dtype=np.int32)
        upper = np.asarray([self.keep_rhs[k] - shift[k] for k in keys], dtype=float)
        h.changeRowsBounds(len(rows), rows, np.full(len(rows), -HINF), upper)

    def penalised(self, values: np.ndarray) -> float:
        """lb of commitments or shelf-life rules a solution leaves unserved (the columns priced at P)."""
        cols = [v.index for v in self.form.short.values()]
        cols += [slack.index for key, (_w, slack) in self.form.keep_cols.items() if key in self.keep_rhs]
        cols = [c for c in cols if c < len(values)]
        return float(np.asarray(values)[cols].sum()) if cols else 0.0

    # --- solving ----------------------------------------------------------------------------------------

    def _run(self, time_limit_s: float, h: highspy.Highs | None = None) -> float:
        """Solve warm within `time_limit_s`; a solve that reaches it continues CONTINUATIONS more times from where
        it stopped (HiGHS keeps its basis) before it counts as a time-out. Returns the elapsed ms."""
        h = h or self.h
        started = time.perf_counter()
        for _ in range(1 + CONTINUATIONS):
            # HiGHS measures `time_limit` against the object's cumulative run clock, not this call: offset it.
            h.setOptionValue("time_limit", h.getRunTime() + max(time_limit_s, 0.0))
            h.run()
            status = h.getModelStatus()
            if status != highspy.HighsModelStatus.kTimeLimit:
                break
        elapsed = (time.perf_counter() - started) * 1000
        if status != highspy.HighsModelStatus.kOptimal:
            timed_out = status == highspy.HighsModelStatus.kTimeLimit
            self._recover(h)
            raise SolverFailure(h.modelStatusToString(status), timed_out=timed_out)
        if elapsed > time_limit_s * 1000 * (1 + CONTINUATIONS):
            # HiGHS checks its clock only between pivots (a one-pivot solve never looks at it); the limit is a
            # promise to the caller, so a late answer counts as a time-out.
            raise SolverFailure("Time limit reached", timed_out=True)
        return elapsed

    def _recover(self, h: highspy.Highs) -> None:
        """After a solve that did not finish, give `h` a basis the next request can start warm from.

        A timed-out basis is neither primal nor dual feasible; the next request's solve would start from it with
        its own bound changes on top, take as long, time out in turn, and so on: measured on the demo's LP, one
        time-out under load turned every later check of the worker into a 503. The request object goes back to
        the baseline's optimal basis (dual feasible for any request: a request changes bounds only); any other
        object, or one without it, restarts from HiGHS' slack basis (numerical trouble may also leave a basis
        HiGHS cannot reuse)."""
        good = self.good_basis if h is self.h else None
        extra_cols = h.getNumCol() - len(good.col_status) if good is not None else -1
        extra_rows = h.getNumRow() - len(good.row_status) if good is not None else -1
        if extra_cols >= 0 and extra_rows >= 0:
            if extra_cols or extra_rows:  # a temporary column (shelf-life delivery) is still there: nonbasic
                start = highspy.HighsBasis()
                start.col_status = [*good.col_status, *[highspy.HighsBasisStatus.kLower] * extra_cols]
                start.row_status = [*good.row_status, *[highspy.HighsBasisStatus.kBasic] * extra_rows]
                start.valid = True
                good = start
            if h.setBasis(good) == highspy.HighsStatus.kOk:
                return
        h.clearSolver()

    def baseline_ensure(self, time_limit_s: float, *, table: bool = False) -> float:
        """The plan without any request: what a request's plan is compared with to name its sources.

        `table=True` also prices every balance row from it (tier 1) on `ht`: the row duals and how far each
        row's right-hand side can fall before the optimal basis changes (HiGHS RHS ranging).
        """
        elapsed = 0.0
        if self.baseline is None:
            first = not self.h.getBasis().valid
            if first and self.basis_key is not None:
                self.basis_restored = basis.restore(self)
            elapsed = self._run(time_limit_s)
            self.baseline = np.asarray(self.h.getSolution().col_value)
            self.good_basis = self.h.getBasis()  # where `h` restarts after a request's solve fails (_recover)
            if first and self.basis_key is not None:
                basis.save(self)
        if table and self.table is None:
            self.table = False  # attempted; stays False (no table) if HiGHS cannot solve or range it
            # `ht` solves the same LP: start it from `h`'s optimal basis, not from scratch (a second cold solve).
            start = self.h.getBasis()
            if start.valid and self.h.getNumCol() == self.ht.getNumCol():
                self.ht.setBasis(start)
            self.ht.setOptionValue("time_limit", self.ht.getRunTime() + PREPARE_S)
            self.ht.run()
            if self.ht.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                status, ranging = self.ht.getRanging()
                if status == highspy.HighsStatus.kOk and ranging.valid:
                    solution = self.ht.getSolution()
                    self.table = (
                        np.asarray(solution.row_dual)[self.bal_row].copy(),
                        np.asarray(ranging.row_bound_dn.value_)[self.bal_row].copy(),
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
        unit[self.bal_row[b]] = 1.0
        status, z = self.ht.getBasisSolve(unit)
        if status != highspy.HighsStatus.kOk:
            return None
        delta = np.zeros(len(base_values))
        structural = basic >= 0
        delta[basic[structural]] = -quantity * np.asarray(z)[structural]
        delta[self.d_col[b]] += quantity
        values = base_values + delta
        if values.min() < -1e-6:  # numerical guard: the range promised feasibility; never trust a bad step
            return None
        sources = self.sources(item, values, base_values)
        if abs(sum(src["lb"] for src in sources) - quantity) > 0.01:
            return None  # the step did not trace back to its sources cleanly: let the solve answer
        return Solve(quantity, marginal, sources, (time.perf_counter() - started) * 1000, from_table=True)

    def solve(
        self,
        item: int,
        facility: int,
        day: int,
        quantity: float,
        time_limit_s: float,
        *,
        detail=True,
        price=True,
        keep_until: int | None = None,
        full_only: bool = False,
    ) -> Solve:
        """Deliver up to `quantity` lb of `item` at `facility` on `day`: lb served, marginal cost, sources.

        `detail=False` skips the sources; `price=False` also skips the second solve that prices a partial
        answer's last lb (its marginal is then None), for quick probes. `keep_until`: the customer needs stock
        that keeps until that day. The full quantity is tried first with the delivery's shelf-life rows
        lowered by it (bounds only, warm); only when that leaves a rule broken is the largest servable
        quantity found with a temporary column that enters those rows. `full_only=True` (a probe that only asks
        whether the full quantity can be served) skips that column solve.
        """
        keys = self.keep_keys(item, facility, day, keep_until) if keep_until is not None else []
        if keys:
            elapsed = self.baseline_ensure(time_limit_s) if detail else 0.0
            full = self._solve_kept(item, facility, day, quantity, time_limit_s, keys, detail=detail, price=price)
            if full is not None:
                full.solve_ms += elapsed
                return full
            if full_only:
                # Only "full or not" was asked (a probe): the lowered rows answered it, no column solve needed.
                return Solve(0.0, None, [], elapsed)
        return self._solve_column(item, facility, day, quantity, time_limit_s, detail=detail, price=price, keys=keys)

    def _solve_kept(self, item, facility, day, quantity, time_limit_s, keys, *, detail, price) -> Solve | None:
        """The full quantity with its shelf-life rows lowered; None if it cannot be served in full that way."""
        b = self.b(item, facility, day)
        col, h = int(self.d_col[b]), self.h
        if self.baseline is None:
            self.baseline_ensure(time_limit_s)
        try:
            h.changeColBounds(col, 0.0, quantity)
            self.keeps_shift(h, {k: quantity for k in keys})
            elapsed = self._run(time_limit_s)
            solution = h.getSolution()
            values = np.asarray(solution.col_value)
            served = max(0.0, min(quantity, values[col]))
            if served < quantity - 0.005 or self.penalised(values) > self.penalised(self.baseline) + 0.005:
                return None
            cost = h.getInfo().objective_function_value + M * values[col]
            rows = [int(self.bal_row[b]), *(self.form.keeps[k].index for k in keys)]
            marginal = -float(np.asarray(solution.row_dual)[rows].sum())
            if abs(marginal) >= M / 10:
                if not price:
                    marginal = None
                else:  # a breakpoint: price the last lb served, with the delivery (and its rows) just below it
                    below = quantity - min(1.0, quantity / 2)
                    h.changeColBounds(col, 0.0, below)
                    self.keeps_shift(h, {k: below for k in keys})
                    elapsed += self._run(time_limit_s)
                    marginal = -float(np.asarray(h.getSolution().row_dual)[rows].sum())
            sources = self.sources(item, values[: len(self.baseline)]) if detail else []
            return Solve(served, marginal, sources, elapsed, cost)
        finally:
            h.changeColBounds(col, 0.0, 0.0)
            self.keeps_shift(h, {k: 0.0 for k in keys})

    def _solve_column(self, item, facility, day, quantity, time_limit_s, *, detail, price, keys) -> Solve:
        b = self.b(item, facility, day)
        elapsed = self.baseline_ensure(time_limit_s) if detail else 0.0
        rows = [self.form.keeps[k].index for k in keys]
        col, temporary = int(self.d_col[b]), False
        if rows:
            col, temporary = self.h.getNumCol(), True
            index = np.asarray([self.bal_row[b], *rows], dtype=np.int32)
            self.h.addCol(-M, 0.0, quantity, len(index), index, np.ones(len(index)))
        priced = [int(self.bal_row[b]), *rows]
        try:
            self.h.changeColBounds(col, 0.0, quantity)
            elapsed += self._run(time_limit_s)
            solution = self.h.getSolution()
            values = np.asarray(solution.col_value)
            served = max(0.0, min(quantity, values[col]))
            cost = self.h.getInfo().objective_function_value + M * values[col]
            if served < 0.005:
                return Solve(0.0, None, [], elapsed, cost)
            # The delivery enters its balance row and its shelf-life rows: one more lb costs all their duals.
            marginal = -float(np.asarray(solution.row_dual)[priced].sum())
            if (served < quantity - 0.005 or abs(marginal) >= M / 10) and not price:
                marginal = None
            elif served < quantity - 0.005 or abs(marginal) >= M / 10:
                # The row's dual at the largest servable quantity prices the impossible next lb; price the
                # last lb actually served instead (left derivative), with the delivery just below it.
                self.h.changeColBounds(col, 0.0, served - min(1.0, served / 2))
                elapsed += self._run(time_limit_s)
                marginal = -float(np.asarray(self.h.getSolution().row_dual)[priced].sum())
            sources = self.sources(item, values[: len(self.baseline)] if detail else None) if detail else []
            return Solve(served, marginal, sources, elapsed, cost)
        finally:
            self.h.changeColBounds(col, 0.0, 0.0)
            if temporary:
                self.h.deleteCols(1, np.asarray([col], dtype=np.int32))

    def sources(self, item: int, values: np.ndarray, base: np.ndarray | None = None) -> list[dict]:
        """Where the delivered lb come from: the change from the plan without the request, per facility.

        Only the columns that moved are visited (numpy picks them), so this stays cheap on large models.
        """
        base = self.baseline if base is None else base
        delta = values - base[: len(values)]
        net = self.network
        form = self.form
        acc = {}
        for fac in self.facilities:
            drawn = -delta[self.inv_col[self.b(item, fac, self.T - 1)]]
            # Dated stock the request uses instead of throwing it away is drawn from stock too.
            for (k_item, k_fac, _u), (writeoff, _slack) in form.keep_cols.items():
                if k_item == item and k_fac == fac and writeoff.index < len(delta):
                    drawn -= delta[writeoff.index]
            acc[fac] = {"drawn": drawn, "produced": 0.0, "consumed": 0.0, "cut": {}, "transfers": {}}
        for k in np.nonzero(np.abs(delta[self.cut_cols]) >= EPS)[0]:
            var, pattern, fac, _t = form.cuts[k]
            here = acc[fac]
            change = delta[self.cut_cols[k]]
            for out_item, yield_fraction in pattern.outputs:
                if out_item == item:
                    lb = change * float(yield_fraction)
                    here["produced"] += lb
                    entry = here["cut"].setdefault(
                        pattern.id,
                        {"pattern": pattern.code, "input_imps_code": net.items[pattern.input_id].imps_code,
                         "input_lb": 0.0, "output_lb": 0.0},
                    )  # fmt: skip
                    entry["input_lb"] += change
                    entry["output_lb"] += lb
            if pattern.input_id == item:
                here["consumed"] += change
        for k in np.nonzero(delta[self.move_cols] >= EPS)[0]:
            _var, lane, move_item, _t = form.moves[k]
            # The requested item is listed where it leaves; an input item where it arrives to be cut.
            fac = lane.from_id if move_item == item else lane.to_id
            entry = acc[fac]["transfers"].setdefault(
                (lane.id, move_item),
                {"from_facility": self.fac_code[lane.from_id], "to_facility": self.fac_code[lane.to_id],
                 "imps_code": net.items[move_item].imps_code, "lb": 0.0,
                 "lead_time_days": lane.lead_time_days, "cost_per_lb": lane.cost_per_lb},
            )  # fmt: skip
            entry["lb"] += delta[self.move_cols[k]]
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

    def plan_rows(self, values: np.ndarray) -> list[dict]:
        """The cuts, transfers and shortfalls of a solution, by day (LP runs, tests)."""
        form, rows = self.form, []
        for var, pattern, fac, t in form.cuts:
            if values[var.index] >= 0.005:
                rows.append({"kind": "cut", "day": t, "facility_id": self.fac_code[fac], "pattern": pattern.code,
                             "imps_code": self.network.items[pattern.input_id].imps_code,
                             "lb": values[var.index]})  # fmt: skip
        for var, lane, item, t in form.moves:
            if values[var.index] >= 0.005:
                rows.append({"kind": "transfer", "day": t, "facility_id": self.fac_code[lane.from_id],
                             "to_facility_id": self.fac_code[lane.to_id],
                             "imps_code": self.network.items[item].imps_code, "lb": values[var.index]})  # fmt: skip
        for b, var in form.short.items():
            if var.index < len(values) and values[var.index] >= 0.005:
                item, fac, t = form.unb(b)
                rows.append({"kind": "shortfall", "day": t, "facility_id": self.fac_code[fac],
                             "imps_code": self.network.items[item].imps_code, "lb": values[var.index]})  # fmt: skip
        return rows

    def plan(self, time_limit_s: float) -> tuple[float, list[dict]]:
        """The plan without any request: objective and the cuts and transfers it makes."""
        self.baseline = None
        self.baseline_ensure(time_limit_s)
        return float(self.h.getInfo().objective_function_value), self.plan_rows(self.baseline)
