"""Property: on random networks, a cold PuLP + CBC solve of the formulation and the warm engine (HiGHS, kept
basis, bound changes, shelf-life rows lowered in place) give the same answer: lb served and price (±1e-6).

Each instance is a random plant network (facilities with random capacity, a primal cut into subprimals and
trim, random lanes, stock in lots with and without a use-by, scheduled receipts, reservations some of which need
stock that keeps). Each check is random too: item, facility, day, a quantity with cents (so that it falls
inside a linear piece of the plan's cost, where the price is unique) and sometimes a minimum shelf life.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pulp
import pytest
from django.db import connection

from atp import selectors
from atp.engine import cache
from atp.engine.formulation import Formulation, M
from inventory.models import Reservation

HORIZON = 14


def _network(net, rng: random.Random):
    facilities = [net.facility(capacity=str(rng.choice([0, 400, 1500]))) for _ in range(rng.randint(1, 3))]
    primal = net.item(price=f"{rng.uniform(3, 6):.2f}", category="primal")
    subs = [net.item(price=f"{rng.uniform(7, 15):.2f}") for _ in range(2)]
    trim = net.item(price=f"{rng.uniform(1, 2.5):.2f}", category="trim")
    yields = {subs[0]: "0.30", subs[1]: "0.25", trim: "0.35"}
    net.pattern(primal, yields, cost=f"{rng.uniform(0.1, 0.8):.2f}", facilities=facilities, lead=rng.choice([0, 1]))
    for a in facilities:
        for b in facilities:
            if a != b and rng.random() < 0.6:
                net.lane(a, b, lead=rng.choice([1, 2]), cost=f"{rng.uniform(0.05, 0.9):.2f}")
    items = [primal, *subs, trim]
    for fac in facilities:
        for item in items:
            if rng.random() < 0.7:
                net.stock(fac, item, rng.randint(50, 3000))
            if rng.random() < 0.5:
                net.stock(fac, item, rng.randint(50, 1500), use_by=net.day(rng.randint(0, HORIZON - 2)))
            if rng.random() < 0.2:
                net.stock(fac, item, rng.randint(50, 800), day=rng.randint(1, HORIZON - 1))
    for n in range(rng.randint(0, 6)):
        fac, item, day = rng.choice(facilities), rng.choice(items), rng.randint(0, HORIZON - 1)
        keep = net.day(day + rng.randint(1, 6)) if rng.random() < 0.4 else None
        Reservation.objects.create(
            facility=fac, delivery_facility=fac, item=item, delivery_date=net.day(day),
            quantity_lb=Decimal(rng.randint(20, 900)), source_id=n + 1, min_use_by_date=keep,
        )  # fmt: skip
    return facilities, items


def _cold(session, item: int, fac: int, day: int, quantity: float, keep_until: int | None):
    """Build the component's LP from scratch with PuLP and solve it with CBC: (lb served, price)."""
    network = session.state().network
    comp = session.component(item, fac)
    position = selectors.position_load(item_ids=set(comp.items), today=session.today, days=session.days)

    def solve(q: float):
        form = Formulation(network, comp, session.days, placeholders=False, position=position,
                           offsets=session.offsets)  # fmt: skip
        var = form.open_request(item, fac, day, q, keep_until)
        status = form.problem.solve(pulp.PULP_CBC_CMD(msg=False))
        assert status == pulp.LpStatusOptimal
        rows = [form.balance[form.b(item, fac, day)]]
        rows += [row for (i, f, u), row in form.keeps.items() if keep_until and i == item and f == fac
                 and day <= u < keep_until]  # fmt: skip
        # PuLP's pi is d(objective)/d(right-hand side); one more lb delivered lowers each row's by one.
        return max(0.0, var.varValue or 0.0), -sum(row.pi for row in rows)

    served, marginal = solve(quantity)
    if served < 0.005:
        return 0.0, None
    if served < quantity - 0.005 or abs(marginal) >= M / 10:
        _, marginal = solve(served - min(1.0, served / 2))  # the last lb served, as the engine prices it
    return served, marginal


@pytest.mark.parametrize("seed", range(6))
def test_cold_pulp_cbc_and_the_warm_engine_agree(net, seed):
    rng = random.Random(seed)
    facilities, items = _network(net, rng)
    previous = connection.tenant.atp_horizon_days
    connection.tenant.atp_horizon_days = HORIZON
    cache.clear()
    try:
        with cache.session() as session:
            for _ in range(6):
                item, fac = rng.choice(items).id, rng.choice(facilities).id
                day = rng.randint(0, HORIZON)
                quantity = round(rng.uniform(10, 4000), 2) + 0.003  # inside a linear piece, almost surely
                keep = day + rng.randint(1, 8) if rng.random() < 0.4 else None
                warm = session.model(item, fac).solve(item, fac, day, quantity, 5.0, keep_until=keep)
                served, marginal = _cold(session, item, fac, day, quantity, keep)
                context = (seed, item, fac, day, quantity, keep)
                assert warm.served == pytest.approx(served, abs=1e-6), context
                assert (warm.served >= quantity - 0.005) == (served >= quantity - 0.005), context
                if marginal is None:
                    assert warm.served < 0.005, context
                else:
                    assert warm.marginal == pytest.approx(marginal, abs=1e-6), context
    finally:
        connection.tenant.atp_horizon_days = previous
        cache.clear()
