"""What each of several facilities could deliver instead, from one warm solve where one is enough.

A short check lists the other facilities with what each could deliver alone on the same date. Solving once per
facility made a short check at a 20-facility silo cost a solve per facility. Instead, the facilities that share
one LP are tried together: every one's delivery column open up to the quantity at once (bounds only, warm).
That joint solve maximises the total delivered, which settles most facilities exactly:

- a facility served in full in the joint solve can be served in full alone (alone it competes with no one);
- if the joint total is 0, each alone gets 0 too (any lb one could get alone, the joint solve could deliver);
- only a facility served in part needs a solve of its own (alone it may get more).

With a minimum shelf life the deliveries lower their shelf-life rows by the full quantity (AtpModel.keeps_shift),
which is exact only when every one is served in full; otherwise each is solved alone.

The price of a facility settled by the joint solve is its row's dual there: the cost of one more lb at that
facility with the other listed facilities served too. It equals the price alone whenever they draw on different
stock or on stock that is not scarce. Where one more lb would have to come out of another facility's partial
delivery (a dual at the scale of M), that facility is solved alone instead.
"""

from __future__ import annotations

import numpy as np

from atp.engine.model import AtpModel, M, SolverFailure

FULL_LB = 0.005


def can_supply(model: AtpModel, item: int) -> bool:
    """Whether anything could ever be delivered of `item` in this LP: some stock arrives in it at all (it may be
    cut into the item) or, in an LP without cutting, some of the item itself does. False means 0 everywhere."""
    if len(model.cut_cols) == 0:
        span = len(model.facilities) * model.T
        start = model.ipos[item] * span
        return bool(model.rhs[start : start + span].max(initial=0.0) > 0)
    return bool(model.rhs.max(initial=0.0) > 0)


def _joint(model: AtpModel, item: int, facilities: list[int], day: int, quantity: float, limit: float, keep):
    """{facility: (lb served, marginal)} with every facility's delivery open at once; None if inconclusive."""
    h = model.h
    model.baseline_ensure(limit)
    cols = [int(model.d_col[model.b(item, fac, day)]) for fac in facilities]
    shift: dict[tuple[int, int, int], float] = {}
    priced: dict[int, list[int]] = {}
    for fac in facilities:
        keys = model.keep_keys(item, fac, day, keep) if keep is not None else []
        shift.update({key: quantity for key in keys})
        priced[fac] = [int(model.bal_row[model.b(item, fac, day)]), *(model.form.keeps[k].index for k in keys)]
    try:
        for col in cols:
            h.changeColBounds(col, 0.0, quantity)
        model.keeps_shift(h, shift)
        model._run(limit)
        solution = h.getSolution()
        values, duals = np.asarray(solution.col_value), np.asarray(solution.row_dual)
        out = {}
        for fac, col in zip(facilities, cols, strict=True):
            marginal = -float(duals[priced[fac]].sum())
            out[fac] = (max(0.0, min(quantity, float(values[col]))), None if abs(marginal) >= M / 10 else marginal)
        if shift:
            # Rows lowered by the full quantity: conclusive only if all are full and no rule was broken for it.
            broke = model.penalised(values) > model.penalised(model.baseline) + FULL_LB
            if broke or any(lb < quantity - FULL_LB for lb, _ in out.values()):
                return None
        return out
    finally:
        for col in cols:
            h.changeColBounds(col, 0.0, 0.0)
        model.keeps_shift(h, {key: 0.0 for key in shift})


def serve_each(
    model: AtpModel, item: int, facilities: list[int], day: int, quantity: float, limit: float, keep: int | None
) -> dict[int, tuple[float, float | None]]:
    """{facility: (lb it could deliver alone, up to `quantity`; marginal price or None)} for facilities of one
    model. `keep`: the day the stock must keep until (a customer's minimum shelf life), or None."""
    out: dict[int, tuple[float, float | None]] = {}
    rest = []
    for fac in facilities:
        hit = None if keep is not None else model.lookup(item, fac, day, quantity, detail=False)
        if hit is not None:
            out[fac] = (quantity, hit.marginal)  # inside its row's range: full at the row's dual
        else:
            rest.append(fac)
    if len(rest) > 1:
        try:
            joint = _joint(model, item, rest, day, quantity, limit, keep)
        except SolverFailure:
            # Several large deliveries at once can take more pivots than any one alone: the request object is
            # back on the baseline's basis (AtpModel._recover), so solve them one by one instead of failing.
            joint = None
        if joint is not None:
            if sum(lb for lb, _ in joint.values()) < FULL_LB:
                return {**out, **{fac: (0.0, None) for fac in rest}}
            # A full facility whose dual is at the scale of M is one whose next lb would be taken from another
            # facility's (partial) delivery: that is the joint LP's price, not its own; it is solved alone.
            full = {
                fac: (quantity, marginal)
                for fac, (lb, marginal) in joint.items()
                if lb >= quantity - FULL_LB and marginal is not None
            }
            out.update(full)
            rest = [fac for fac in rest if fac not in full]
    for fac in rest:
        solve = model.solve(item, fac, day, quantity, limit, detail=False, price=False, keep_until=keep)
        out[fac] = (solve.served, solve.marginal)
    return out
