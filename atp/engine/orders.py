"""Whole orders on one model: every line's delivery open in one solve, and the plan each line relies on.

`solve_lines` answers all lines of an order that fall in one model with a single warm solve (the lines are
fixed demands: serving all of them is feasible or not, whatever their order). `plan_lines` then reads, from the
minimum-work LP (AtpModel.planner), the cuts and transfers the lines need beyond the committed work, and splits
them among the lines by each line's own marginal requirement in that LP's optimal basis.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

from atp.engine.model import EPS, AtpModel, M


@dataclass
class Line:
    item: int
    facility: int
    day: int
    quantity: float
    keep_until: int | None = None
    # answers
    served: float = 0.0
    marginal: float | None = None
    sources: list[dict] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)


def _columns(model: AtpModel, lines: list[Line]):
    """Every line's delivery: lines sharing a placeholder column add up. A line whose customer needs stock
    that keeps lowers its shelf-life rows by its quantity instead of entering them with a column of its own
    (AtpModel.keeps_shift: the same LP for a delivery of exactly that quantity, with bounds only). Returns
    {column: [line indexes]}, the rows' shifts and each line's priced rows (its balance row and keep rows)."""
    by_col: dict[int, list[int]] = {}
    shift: dict[tuple[int, int, int], float] = {}
    rows_of: list[list[int]] = []
    for n, line in enumerate(lines):
        b = model.b(line.item, line.facility, line.day)
        keys = model.keep_keys(line.item, line.facility, line.day, line.keep_until) if line.keep_until else []
        for key in keys:
            shift[key] = shift.get(key, 0.0) + line.quantity
        by_col.setdefault(int(model.d_col[b]), []).append(n)
        rows_of.append([int(model.bal_row[b]), *(model.form.keeps[k].index for k in keys)])
    return by_col, shift, rows_of


def _close(model: AtpModel, h, by_col: dict[int, list[int]], shift: dict) -> None:
    for col in by_col:
        h.changeColBounds(col, 0.0, 0.0)
    model.keeps_shift(h, {k: 0.0 for k in shift})


def solve_lines(model: AtpModel, lines: list[Line], time_limit_s: float) -> bool:
    """Serve every line at once; fill each line's served lb, marginal price and sources. True if all full.

    Full means every delivery column at its quantity and no commitment or shelf-life rule left unserved
    beyond the plan without the order (with the rows lowered, a line that needs stock that keeps would
    otherwise be "served" by breaking a rule at penalty P)."""
    model.baseline_ensure(time_limit_s)
    h = model.h
    by_col, shift, rows_of = _columns(model, lines)
    try:
        for col, members in by_col.items():
            h.changeColBounds(col, 0.0, sum(lines[n].quantity for n in members))
        model.keeps_shift(h, shift)
        model._run(time_limit_s)
        solution = h.getSolution()
        values = np.asarray(solution.col_value)
        duals = np.asarray(solution.row_dual)
        for col, members in by_col.items():
            left = max(0.0, float(values[col]))
            for n in members:  # a shared column serves its lines in order
                lines[n].served = min(lines[n].quantity, left)
                left -= lines[n].served
        full = all(line.served >= line.quantity - 0.005 for line in lines)
        if full and shift and model.penalised(values) > model.penalised(model.baseline) + 0.005:
            for line, rows in zip(lines, rows_of, strict=True):
                if len(rows) > 1:
                    line.served = 0.0  # which of them broke the rule is for the line-by-line pass to say
            full = False
        if not full:
            return False
        for n, line in enumerate(lines):
            line.marginal = -float(duals[rows_of[n]].sum())
        for col, members in by_col.items():
            if any(abs(lines[n].marginal) >= M / 10 for n in members):
                # The row sits on a breakpoint (its dual prices the impossible next lb): price the last lb served.
                total = sum(lines[n].quantity for n in members)
                delta = min(1.0, total / 2)
                h.changeColBounds(col, 0.0, total - delta)
                lowered = dict(shift)
                for n in members:
                    for row_key in model.keep_keys(lines[n].item, lines[n].facility, lines[n].day,
                                                   lines[n].keep_until or 0):  # fmt: skip
                        lowered[row_key] -= delta * lines[n].quantity / total
                model.keeps_shift(h, lowered)
                model._run(time_limit_s)
                below = np.asarray(h.getSolution().row_dual)
                h.changeColBounds(col, 0.0, total)
                model.keeps_shift(h, shift)
                for n in members:
                    lines[n].marginal = -float(below[rows_of[n]].sum())
        _split_sources(model, lines, values[: len(model.baseline)])
        return True
    finally:
        _close(model, h, by_col, shift)


def _split_sources(model: AtpModel, lines: list[Line], values: np.ndarray) -> None:
    """Sources per line. Stock, cuts and transfers are accounted per item, so lines of different items read
    their own; lines of the same item share the item's sources, each taking from its own facility first."""
    by_item: dict[int, list[Line]] = {}
    for line in lines:
        by_item.setdefault(line.item, []).append(line)
    for item, group in by_item.items():
        sources = model.sources(item, values)
        if len(group) == 1:
            group[0].sources = sources
            continue
        left = {s["facility_pk"]: s["lb"] for s in sources}
        meta = {s["facility_pk"]: s for s in sources}
        for line in group:
            need, taken = line.quantity, {}
            own = min(need, left.get(line.facility, 0.0))
            if own > 0:
                taken[line.facility] = own
                left[line.facility] -= own
                need -= own
            rest = sum(lb for lb in left.values() if lb > 0)
            for fac, lb in list(left.items()):
                if need <= 0 or lb <= 0 or rest <= 0:
                    continue
                share = min(lb, need * lb / rest)
                taken[fac] = taken.get(fac, 0.0) + share
                left[fac] -= share
            line.sources = [
                {**meta[fac], "lb": lb, "on_hand_lb": min(lb, meta[fac]["on_hand_lb"])}
                for fac, lb in sorted(taken.items(), key=lambda kv: -kv[1])
                if lb >= 0.005
            ]


def plan_lines(model: AtpModel, lines: list[Line], time_limit_s: float) -> None:
    """Fill each line's `steps`: the cuts and transfers it relies on, beyond the committed work.

    The minimum-work LP is solved with every line delivered in full. Its extra work (each cut or lane column
    above its committed lower bound) is split among the lines by their marginal requirement in the optimal
    basis B: fixing line k's delivery at q moves the basic columns by -q B^-1 a_k (a_k: 1 in its balance row
    and in each shelf-life row it lowers), so the extra work line k adds is the positive part of that step
    (scaled down where the lines' parts would exceed the total).
    """
    hp = model.planner()
    by_col, shift, rows_of = _columns(model, lines)
    try:
        for col, members in by_col.items():
            total = sum(lines[n].quantity for n in members)
            hp.changeColBounds(col, total, total)
        model.keeps_shift(hp, shift)
        model._run(max(time_limit_s, 1.0), hp)
        values = np.asarray(hp.getSolution().col_value)
        basic = np.asarray(hp.getBasicVariables()[1], dtype=np.int64)
        work_cols = np.concatenate([model.cut_cols, model.move_cols])
        lower = np.concatenate([model.cut_lb, model.move_lb])
        extra = np.maximum(0.0, values[work_cols] - lower)
        if not (extra > 0.005).any():
            return
        position = {int(c): k for k, c in enumerate(work_cols)}
        parts = np.zeros((len(lines), len(work_cols)))
        structural = basic >= 0
        basic_set = set(basic[structural].tolist())
        everyone = sum(line.quantity for line in lines)
        for col, members in by_col.items():
            for n in members:
                if col in basic_set:
                    # A delivery fixed at its bound yet basic (degenerate): its own step is not defined; give
                    # its lines their share of the extra work by quantity.
                    parts[n] = extra * lines[n].quantity / everyone
                    continue
                column = np.zeros(hp.getNumRow())
                column[rows_of[n]] = 1.0
                status, z = hp.getBasisSolve(column)
                if status != highspy.HighsStatus.kOk:
                    continue
                step = np.zeros(len(work_cols))
                for basic_col, dz in zip(basic[structural], np.asarray(z)[structural], strict=True):
                    k = position.get(int(basic_col))
                    if k is not None:
                        step[k] = -dz
                parts[n] = np.maximum(0.0, step * lines[n].quantity)
        claimed = parts.sum(axis=0)
        scale = np.where(claimed > extra, extra / np.where(claimed > 0, claimed, 1.0), 1.0)
        parts *= scale
        # Work at a bound (a plant's whole stock of chuck cut, a lane at its limit) is nonbasic, so no line's
        # marginal step sees it, though the lines rely on it: planning only the marginal path left a cut
        # without the input it needs and a line short of what it was promised. What the LP does beyond the
        # marginal parts and beyond the work it does without these lines (the baseline: the same LP with their
        # deliveries at 0) is the lines' too; it goes to the lines that rely on work, by lb.
        residual = np.maximum(0.0, extra - parts.sum(axis=0))
        if (residual > 0.005).any():
            _close(model, hp, by_col, shift)
            model._run(max(time_limit_s, 1.0), hp)
            base = np.asarray(hp.getSolution().col_value)[work_cols]
            residual = np.maximum(0.0, residual - np.maximum(0.0, base - lower))
        if (residual > 0.005).any():
            working = np.asarray([line.quantity if parts[n].any() else 0.0 for n, line in enumerate(lines)])
            if not working.any():
                working = np.asarray([line.quantity for line in lines])
            parts += np.outer(working / working.sum(), residual)
        for n, line in enumerate(lines):
            line.steps = _steps(model, line, parts[n])
    finally:
        _close(model, hp, by_col, shift)


def _steps(model: AtpModel, line: Line, part: np.ndarray) -> list[dict]:
    """A line's share of the extra work as plan steps: cuts (with the output of each cut the line consumes)
    and transfers, in day order."""
    form, n_cuts, steps = model.form, len(model.cut_cols), []
    cut_inputs = set()
    moved = set()
    for k in np.nonzero(part >= EPS)[0]:
        if k < n_cuts:
            cut_inputs.add(form.cuts[k][1].input_id)
        else:
            moved.add(form.moves[k - n_cuts][2])
    for k in np.nonzero(part >= 0.005)[0]:
        lb = float(part[k])
        if k < n_cuts:
            _var, pattern, fac, t = form.cuts[k]
            outputs = dict(pattern.outputs)
            # The output this line consumes: its own item, else an input of another of its cuts, else an item
            # it moves on (a primal broken here and fabricated elsewhere), else the largest yield.
            candidates = [line.item] + sorted(cut_inputs) + sorted(moved)
            output = next((i for i in candidates if i in outputs), max(outputs, key=lambda i: outputs[i]))
            steps.append({"kind": "cut", "facility_id": fac, "day": t, "pattern_id": pattern.id,
                          "input_item_id": pattern.input_id, "input_lb": lb, "output_item_id": output,
                          "output_lb": lb * float(outputs[output])})  # fmt: skip
        else:
            _var, lane, item, t = form.moves[k - n_cuts]
            steps.append({"kind": "transfer", "facility_id": lane.from_id, "day": t, "lane_id": lane.id,
                          "item_id": item, "lb": lb})  # fmt: skip
    steps.sort(key=lambda s: (s["day"], s["kind"], s.get("pattern_id") or 0, s.get("lane_id") or 0))
    return steps
