"""Joint-product costing: one production run's cost split across the cuts it yields.

The joint cost (the input lots at their carrying cost plus the pattern's processing cost) is split by
relative sales value, list price × actual lb: the meat industry's usual method, so a pound of tenderloin
carries more cost than a pound of chuck roll from the same carcass. By-products (fat, bones) are valued at
their list price and credited first (the by-product method), and the main products share what is left.

Every figure is in cents and the shares sum to the joint cost exactly (largest remainder), so the
production entry balances without a rounding line and weighted average cost follows the outputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from cashsheet.api.fields import quantize

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class JointOutput:
    lb: Decimal
    list_price_per_lb: Decimal
    by_product: bool = False


def _split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` (cents) in proportion to `weights`, to the cent, summing exactly (largest remainder first)."""
    whole = sum(weights)
    if total == 0 or not weights:
        return [ZERO] * len(weights)
    if whole <= 0:
        raise ValueError("nothing to split a cost over")
    exact = [total * w / whole for w in weights]
    floors = [e.quantize(CENT, rounding=ROUND_FLOOR) for e in exact]
    left = int((total - sum(floors)) / CENT)
    # Ties go to the earlier output, so the split is deterministic.
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += CENT
    return floors


def joint_cost_split(*, joint_cost: Decimal, outputs: list[JointOutput]) -> list[Decimal]:
    """The cost each output carries, in output order. Outputs with 0 lb carry nothing.

    By-products take list × lb first, unless together they would exceed the joint cost (then they share
    it by sales value and the main products carry nothing). The rest goes to the main products by relative
    sales value; main products without a list price share by weight; with no main product at all, the
    by-products share everything by sales value.
    """
    joint_cost = quantize(joint_cost)
    if joint_cost < 0:
        raise ValueError("a joint cost is never negative")
    values = [ZERO] * len(outputs)
    produced = [i for i, o in enumerate(outputs) if o.lb > 0]
    if not produced:
        if joint_cost:
            raise ValueError("a joint cost needs at least one output with weight")
        return values
    by_products = [i for i in produced if outputs[i].by_product]
    main = [i for i in produced if not outputs[i].by_product]
    sales_value = {i: outputs[i].lb * outputs[i].list_price_per_lb for i in produced}
    if not main:
        weights = [sales_value[i] for i in by_products]
        if sum(weights) <= 0:
            weights = [outputs[i].lb for i in by_products]
        for i, share in zip(by_products, _split(joint_cost, weights), strict=True):
            values[i] = share
        return values
    credit = {i: quantize(sales_value[i]) for i in by_products}
    if sum(credit.values(), ZERO) > joint_cost:
        shares = _split(joint_cost, [sales_value[i] for i in by_products])
        credit = dict(zip(by_products, shares, strict=True))
    for i, value in credit.items():
        values[i] = value
    rest = joint_cost - sum(credit.values(), ZERO)
    weights = [sales_value[i] for i in main]
    if sum(weights) <= 0:
        weights = [outputs[i].lb for i in main]
    for i, share in zip(main, _split(rest, weights), strict=True):
        values[i] = share
    return values
