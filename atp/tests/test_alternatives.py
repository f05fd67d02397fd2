"""Alternatives of a short check: what each other facility could deliver alone, settled by as few solves as it
takes (atp.engine.alternatives), against hand-computed answers."""

from decimal import Decimal

import pytest

from atp import services
from atp.engine.model import AtpModel


@pytest.fixture
def solves(monkeypatch):
    """How many HiGHS solves the engine runs (the point of one joint solve is to run fewer)."""
    count = {"n": 0}
    original = AtpModel._run

    def counted(self, *args, **kwargs):
        count["n"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AtpModel, "_run", counted)
    return count


def check(net, facility, item, lb, day, **kw):
    return services.atp_check(facility=facility, item=item, quantity_lb=Decimal(lb), delivery_date=net.day(day), **kw)


def by_code(answer):
    return {a["facility_id"]: (a["available_lb"], a["marginal_price_per_lb"]) for a in answer.alternatives}


def test_facilities_with_their_own_stock_are_settled_by_one_joint_solve(net, solves):
    # A has no X; B and C hold 3,000 lb each ($10.00/lb) and ship to A in a day, so 2,000 lb at A today is 0.
    # Alone, B or C serves 2,000 lb from its own stock at list price; together too (3,000 each >= 2,000), so the
    # joint solve settles both, at 10.00. D is on its own with no X (only another item): 0 without a solve.
    a, b, c, d = (net.facility() for _ in range(4))
    x = net.item(price="10.00")
    net.stock(b, x, 3000)
    net.stock(c, x, 3000)
    net.lane(b, a, lead=1, cost="1.00")
    net.lane(c, a, lead=1, cost="1.00")
    y = net.item(price="1.00")
    net.stock(d, y, 10)  # D's LP holds stock of another item only
    check(net, a, x, 10, 1)  # build and warm both LPs first: what is counted below is this check's solves
    check(net, d, y, 1, 0)
    before = solves["n"]
    answer = check(net, a, x, 2000, 0)
    assert (answer.result, answer.available_lb) == ("infeasible", Decimal("0.00"))
    assert by_code(answer) == {
        b.code: (Decimal("2000"), Decimal("10.0000")),
        c.code: (Decimal("2000"), Decimal("10.0000")),
        d.code: (Decimal("0.00"), None),
    }
    # The check's own solve, its earliest-date probe (day 1: 6,000 lb arrive), one joint solve for B and C.
    assert answer.earliest_date_full == net.day(1)
    assert solves["n"] - before == 3


def test_nothing_anywhere_on_that_day_is_settled_by_the_joint_total(net, solves):
    # X reaches B only on day 5 (a receipt in transit): on day 2, neither B nor C can deliver any, alone or
    # together; the joint solve's total of 0 says so for both.
    a, b, c = (net.facility() for _ in range(3))
    x = net.item(price="10.00")
    net.stock(b, x, 3000, day=5)
    net.lane(b, a, lead=1, cost="1.00")
    net.lane(c, a, lead=1, cost="1.00")
    answer = check(net, a, x, 500, 2)
    assert answer.result == "infeasible"
    assert by_code(answer) == {b.code: (Decimal("0.00"), None), c.code: (Decimal("0.00"), None)}
    assert answer.earliest_date_full == net.day(6)  # arrives at B on day 5, at A one day later


def test_facilities_competing_for_the_same_stock_are_each_solved_alone(net):
    # B holds 3,000 lb; C has none but B ships to C the same day ($1.00/lb). Alone, B serves 2,000 lb at 10.00
    # and C 2,000 lb at 10.00 + 1.00 = 11.00. Together they share 3,000 lb (C gets 1,000), so the joint solve
    # cannot settle C, nor B's price (its next lb would come out of C's delivery): each is solved alone.
    a, b, c = (net.facility() for _ in range(3))
    x = net.item(price="10.00")
    net.stock(b, x, 3000)
    net.lane(b, a, lead=1, cost="1.00")
    net.lane(b, c, lead=0, cost="1.00")
    answer = check(net, a, x, 2000, 0)
    assert by_code(answer) == {
        b.code: (Decimal("2000"), Decimal("10.0000")),
        c.code: (Decimal("2000"), Decimal("11.0000")),
    }


def test_with_a_minimum_shelf_life_only_stock_that_keeps_counts(net):
    # B's 3,000 lb keep; C's 3,000 lb expire on day 4. Asked on day 0 with 7 days' minimum shelf life: B serves
    # 2,000 lb, C none (its stock does not keep until day 7), so the joint all-full test fails and each is solved
    # alone.
    a, b, c = (net.facility() for _ in range(3))
    x = net.item(price="10.00")
    net.stock(b, x, 3000)
    net.stock(c, x, 3000, use_by=net.day(4))
    net.lane(b, a, lead=1, cost="1.00")
    net.lane(c, a, lead=1, cost="1.00")
    answer = check(net, a, x, 2000, 0, min_shelf_life_days=7)
    assert answer.result == "infeasible"
    available = {code: lb for code, (lb, _) in by_code(answer).items()}
    assert available == {b.code: Decimal("2000"), c.code: Decimal("0.00")}


def test_a_joint_solve_that_times_out_falls_back_to_one_solve_each(net, monkeypatch):
    # The first case's network; the joint solve is made to time out (as several 15,000 lb deliveries at once
    # can under load): the answer is the same, from one solve per facility, not a 503.
    from atp.engine import alternatives
    from atp.engine.model import SolverFailure

    def timed_out(*args, **kwargs):
        raise SolverFailure("Time limit reached", timed_out=True)

    monkeypatch.setattr(alternatives, "_joint", timed_out)
    a, b, c = (net.facility() for _ in range(3))
    x = net.item(price="10.00")
    net.stock(b, x, 3000)
    net.stock(c, x, 3000)
    net.lane(b, a, lead=1, cost="1.00")
    net.lane(c, a, lead=1, cost="1.00")
    answer = check(net, a, x, 2000, 0)
    assert by_code(answer) == {
        b.code: (Decimal("2000"), Decimal("10.0000")),
        c.code: (Decimal("2000"), Decimal("10.0000")),
    }
