"""ATP answers checked against values computed by hand (see the comment on each case)."""

from decimal import Decimal

import pytest

from atp import services
from atp.engine import cache
from cashsheet.api.exceptions import InvalidInput, ServiceUnavailable


def check(net, facility, item, lb, day):
    return services.atp_check(facility=facility, item=item, quantity_lb=Decimal(lb), delivery_date=net.day(day))


def test_item_on_hand_prices_at_its_list_price(net):
    plant = net.facility()
    item = net.item(price="14.20")
    net.stock(plant, item, 5000)
    answer = check(net, plant, item, 2400, 3)
    assert answer.result == "feasible"
    assert answer.available_lb == Decimal("2400")
    assert answer.marginal_price_per_lb == Decimal("14.2000")
    assert answer.source_facility == plant.code
    assert answer.sources[0]["on_hand_lb"] == Decimal("2400.00")


@pytest.fixture
def primal(net):
    """Primal P ($5.00/lb) cut at A into X (40%, list $8.00) and trim T (50%, $3.00), $0.30/lb to process.

    Cutting for stock alone loses money (0.4*8 + 0.5*3 = 4.70 < 5.30), so nothing is cut unless X is asked
    for; then one lb of X costs (5.00 + 0.30 - 0.5*3.00) / 0.4 = 9.50.
    """
    a = net.facility(capacity="1000")
    b = net.facility()
    p = net.item(price="5.00", category="primal")
    x = net.item(price="8.00")
    t = net.item(price="3.00", category="trim")
    pattern = net.pattern(p, {x: "0.40", t: "0.50"}, cost="0.30", facilities=[a])
    net.stock(a, p, 100000)
    return {"a": a, "b": b, "p": p, "x": x, "t": t, "pattern": pattern}


def test_cut_from_a_primal_carries_primal_value_processing_and_coproduct_credit(net, primal):
    answer = check(net, primal["a"], primal["x"], 1000, 2)  # capacity 3 days x 1000 lb input -> 1200 lb X
    assert answer.result == "feasible"
    assert answer.marginal_price_per_lb == Decimal("9.5000")
    assert answer.source_facility == primal["a"].code
    (cut,) = answer.sources[0]["cut"]
    assert cut["input_imps_code"] == primal["p"].imps_code
    assert cut["input_lb"] == Decimal("2500.00") and cut["output_lb"] == Decimal("1000.00")


def test_capacity_binding_shows_in_the_price_and_a_transfer_fills_the_rest(net, primal):
    # X on hand at B, lane B->A at $2.00: 8.00 + 2.00 = 10.00 > 9.50, so A cuts to capacity first.
    net.stock(primal["b"], primal["x"], 5000)
    net.lane(primal["b"], primal["a"], lead=1, cost="2.00")
    answer = check(net, primal["a"], primal["x"], 1500, 2)
    assert answer.result == "feasible"
    assert answer.marginal_price_per_lb == Decimal("10.0000")
    by_facility = {s["facility_id"]: s for s in answer.sources}
    assert by_facility[primal["a"].code]["lb"] == Decimal("1200.00")  # 3 days x 1000 lb x 40%
    assert by_facility[primal["b"].code]["lb"] == Decimal("300.00")
    (move,) = by_facility[primal["b"].code]["transfers"]
    assert move["to_facility"] == primal["a"].code and move["lb"] == Decimal("300.00")
    assert answer.source_facility == primal["a"].code


def test_partial_when_capacity_binds_prices_the_last_lb_served(net, primal):
    answer = check(net, primal["a"], primal["x"], 2000, 2)
    assert answer.result == "partial"
    assert answer.available_lb == Decimal("1200.00")
    assert answer.marginal_price_per_lb == Decimal("9.5000")
    # 2000 lb of X need 5000 lb cut: five days of capacity, days 0..4.
    assert answer.earliest_date_full == net.day(4)
    assert {a["facility_id"]: a["available_lb"] for a in answer.alternatives}[primal["b"].code] == Decimal("0.00")


def test_cheapest_source_is_another_facility(net):
    a, b = net.facility(), net.facility()
    x = net.item(price="8.00")
    net.stock(b, x, 3000)
    net.lane(b, a, lead=1, cost="0.25")
    answer = check(net, a, x, 1000, 2)
    assert answer.result == "feasible"
    assert answer.source_facility == b.code != a.code
    assert answer.marginal_price_per_lb == Decimal("8.2500")


def test_lead_time_makes_today_infeasible_and_names_earliest_date_and_alternatives(net):
    a, b = net.facility(), net.facility()
    x = net.item(price="8.00")
    net.stock(b, x, 3000)
    net.lane(b, a, lead=2, cost="0.25")
    answer = check(net, a, x, 1000, 0)
    assert answer.result == "infeasible"
    assert answer.available_lb == Decimal("0.00")
    assert answer.marginal_price_per_lb is None
    assert answer.earliest_date_full == net.day(2)
    assert answer.alternatives[0]["facility_id"] == b.code
    assert answer.alternatives[0]["available_lb"] == Decimal("1000")


def test_reserved_lines_keep_being_served(net):
    a = net.facility()
    x = net.item(price="8.00")
    net.stock(a, x, 1000)
    net.reserve(a, x, 700, day=3)
    answer = check(net, a, x, 500, 1)
    assert answer.result == "partial"
    assert answer.available_lb == Decimal("300.00")


def test_scheduled_receipt_counts_from_its_date(net):
    a = net.facility()
    x = net.item(price="8.00")
    net.stock(a, x, 400, day=5)
    assert check(net, a, x, 400, 4).result == "infeasible"
    assert check(net, a, x, 400, 5).result == "feasible"


def test_dual_equals_a_one_lb_finite_difference(net, primal):
    net.stock(primal["b"], primal["x"], 5000)
    net.lane(primal["b"], primal["a"], lead=1, cost="2.00")
    a, x = primal["a"], primal["x"]
    with cache.session() as session:
        model = session.model(x.id, a.id)
        costs = {}
        for q in (999, 1000, 1001, 1499, 1500, 1501):
            solve = model.solve(x.id, a.id, 2, float(q), 1.0, detail=False)
            costs[q] = solve.cost
        at_1000 = model.solve(x.id, a.id, 2, 1000.0, 1.0, detail=False).marginal
        at_1500 = model.solve(x.id, a.id, 2, 1500.0, 1.0, detail=False).marginal
    assert at_1000 == pytest.approx((costs[1001] - costs[999]) / 2, abs=1e-6) == pytest.approx(9.5)
    assert at_1500 == pytest.approx((costs[1501] - costs[1499]) / 2, abs=1e-6) == pytest.approx(10.0)


def test_bad_input_is_refused_naming_the_field(net):
    a = net.facility()
    x = net.item(price="8.00")
    for lb, day, field in [(0, 1, "quantity_lb"), (-5, 1, "quantity_lb"), (10**7, 1, "quantity_lb"),
                           (10, -1, "delivery_date"), (10, 91, "delivery_date")]:  # fmt: skip
        with pytest.raises(InvalidInput) as exc:
            check(net, a, x, lb, day)
        assert exc.value.field == field


def test_impossible_time_limit_is_a_503_not_a_hang(net):
    from django.db import connection

    a = net.facility()
    x = net.item(price="8.00")
    net.stock(a, x, 10)
    previous = connection.tenant.atp_time_limit_ms
    connection.tenant.atp_time_limit_ms = 0
    try:
        with pytest.raises(ServiceUnavailable) as exc:
            check(net, a, x, 20, 1)  # more than on hand: outside the table's range, a solve is needed
    finally:
        connection.tenant.atp_time_limit_ms = previous
    assert exc.value.context["reason"] == "time_limit"
    assert check(net, a, x, 20, 1).result == "partial"  # the engine recovers


def test_commitments_already_short_still_answer_and_the_plan_shows_the_shortfall(net):
    a = net.facility()
    x = net.item(price="8.00")
    net.stock(a, x, 100)
    net.reserve(a, x, 300, day=2)  # promised before stock was posted out: 200 lb cannot be met
    answer = check(net, a, x, 50, 1)
    assert answer.result == "infeasible"  # the request never takes stock owed to a confirmed line
    with cache.session() as session:
        _, rows = session.model(x.id, a.id).plan(1.0)
    (short,) = [r for r in rows if r["kind"] == "shortfall"]
    assert short["lb"] == pytest.approx(200) and short["day"] == 2 and short["facility_id"] == a.code


def test_price_table_answers_match_the_warm_solve(net, primal):
    """Tier 1: inside a row's range the lookup gives the solve's answer (lb, price, sources) without solving."""
    net.stock(primal["b"], primal["x"], 5000)
    net.lane(primal["b"], primal["a"], lead=1, cost="2.00")
    net.stock(primal["a"], primal["x"], 700)
    a, b, x = primal["a"], primal["b"], primal["x"]
    looked_up = 0
    with cache.session() as session:
        model = session.model(x.id, a.id)
        for fac, day, lb in [(a, 2, 300), (a, 5, 700), (b, 0, 4000), (b, 3, 2000), (a, 2, 900), (a, 2, 2500)]:
            table = model.lookup(x.id, fac.id, day, float(lb))
            solved = model.solve(x.id, fac.id, day, float(lb), 1.0)
            if table is None:
                continue
            looked_up += 1
            assert table.served == pytest.approx(solved.served)
            assert table.marginal == pytest.approx(solved.marginal, abs=1e-6)
            assert {s["facility_id"]: round(s["lb"], 2) for s in table.sources} == {
                s["facility_id"]: round(s["lb"], 2) for s in solved.sources
            }
        assert model.lookup(x.id, a.id, 2, 2500.0) is None  # beyond the range: needs cutting, a new basis
    assert looked_up >= 3
    answer = check(net, a, x, 300, 2)
    assert answer.answered_from == "table" and answer.marginal_price_per_lb == Decimal("8.0000")


def test_the_cached_model_follows_new_lanes_stock_and_releases(net):
    a, b = net.facility(), net.facility()
    x = net.item(price="8.00")
    net.stock(b, x, 500)
    assert check(net, a, x, 400, 3).result == "infeasible"  # no way from B to A yet
    net.lane(b, a, lead=1, cost="0.50")
    answer = check(net, a, x, 400, 3)
    assert answer.result == "feasible" and answer.marginal_price_per_lb == Decimal("8.5000")
    net.stock(a, x, 1000)  # a receipt at A: now the cheapest source is A itself
    answer = check(net, a, x, 400, 3)
    assert answer.source_facility == a.code and answer.marginal_price_per_lb == Decimal("8.0000")
    net.reserve(a, x, 1300, day=2)
    assert check(net, a, x, 400, 3).available_lb == Decimal("200.00")
    services.atp_release(source_type="sales_order_line", source_ids=[1])
    assert check(net, a, x, 400, 3).result == "feasible"


def test_earliest_full_date_far_away_and_never(net):
    a = net.facility()
    x = net.item(price="8.00")
    net.stock(a, x, 100)
    net.stock(a, x, 300, day=37)  # a receipt in transit
    assert check(net, a, x, 400, 1).earliest_date_full == net.day(37)
    never = check(net, a, x, 500, 1)
    assert never.result == "partial" and never.earliest_date_full is None


def test_idle_preparation_builds_every_model_once(net):
    from django.db import connection

    a, b = net.facility(), net.facility()  # no lane between them: two LPs
    x = net.item(price="8.00")
    net.stock(a, x, 10)
    net.stock(b, x, 10)
    check(net, a, x, 5, 1)
    state = cache._SILOS[connection.schema_name]
    other = state.component_of[(x.id, b.id)].key
    assert other not in state.models
    prepared = 0
    while cache.prepare_next(budget=1):
        prepared += 1
    assert prepared >= 1 and other in cache._SILOS[connection.schema_name].models
    assert cache.prepare_next(budget=1) == 0  # nothing left: the next checks find every model ready
