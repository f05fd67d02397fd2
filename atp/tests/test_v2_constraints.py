"""ATP v2's constraints, each against a hand computation: capacity shared across families, the chill day,
expiry and minimum shelf life, held lots, the facility's own date, the salvage value of expiring stock, and
an order that needs a cut, confirmed and read back with its plan."""

import datetime as dt
from decimal import Decimal

import pytest

from atp import services
from atp.engine import cache
from atp.models import PlannedStep
from cashsheet.api.exceptions import InvalidInput
from cashsheet.timezones import local_date
from inventory.services.lots import lot_hold, lot_release
from parties.services import customer_create


def check(net, facility, item, lb, day, **kwargs):
    return services.atp_check(
        facility=facility, item=item, quantity_lb=Decimal(lb), delivery_date=net.day(day), **kwargs
    )


def allocate(net, facility, item, lb, day, source_id=1, **kwargs):
    request = services.AllocationRequest(
        source_id=source_id, facility=facility, item=item, quantity_lb=Decimal(lb), delivery_date=net.day(day),
        **kwargs,
    )  # fmt: skip
    return services.atp_allocate(lines=[request])


@pytest.fixture
def two_families(net):
    """One plant breaking 1,000 lb of input a day, shared by a beef and a pork carcass (same day, no chill).

    Beef carcass $3.00 -> beef primal 50% ($5.00); pork carcass $2.00 -> pork primal 50% ($3.50); $0.10/lb to
    break. Breaking for stock loses money (0.5 * 5.00 = 2.50 < 3.10; 1.75 < 2.10), so nothing is cut unless a
    primal is asked for: 500 lb of primal today needs 1,000 lb broken, the whole day's capacity.
    """
    plant = net.facility(capacity="1000")
    beef_c = net.item(price="3.00", category="carcass")
    beef_p = net.item(price="5.00", category="primal")
    pork_c = net.item(price="2.00", category="carcass")
    pork_p = net.item(price="3.50", category="primal")
    net.pattern(beef_c, {beef_p: "0.50"}, cost="0.10", facilities=[plant], process="breaking", lead=0)
    net.pattern(pork_c, {pork_p: "0.50"}, cost="0.10", facilities=[plant], process="breaking", lead=0)
    net.stock(plant, beef_c, 10000)
    net.stock(plant, pork_c, 10000)
    return plant, beef_p, pork_p, beef_c, pork_c


def test_capacity_is_shared_across_families(net, two_families):
    plant, beef_p, pork_p, beef_c, pork_c = two_families
    with cache.session() as session:
        component = session.component(beef_p.id, plant.id)
        assert {beef_c.id, beef_p.id, pork_c.id, pork_p.id} <= set(component.items)  # one LP: same capacity row
    beef = check(net, plant, beef_p, 500, 0)
    assert beef.result == "feasible"
    # (3.00 + 0.10) / 0.5 = 6.20 for the last lb cut (the capacity binds exactly at 500 lb).
    assert beef.marginal_price_per_lb == Decimal("6.2000")
    assert check(net, plant, pork_p, 500, 0).result == "feasible"  # either family alone fits
    allocate(net, plant, beef_p, 500, 0)
    pork = check(net, plant, pork_p, 500, 0)
    assert pork.result == "infeasible" and pork.available_lb == Decimal("0.00")  # today's capacity is promised
    assert pork.earliest_date_full == net.day(1)
    assert check(net, plant, pork_p, 500, 1).result == "feasible"


def test_breaking_waits_a_chill_day_and_fabrication_follows_the_same_day(net):
    """Carcass $3.50 -> primal 80% ($4.00), $0.10 to break, one chill day by default; primal -> steak 40% ($9.00)
    and trim 50% ($1.00), $0.20, same day. Cutting for stock loses money (0.8 * 4.00 < 3.60; one lb of carcass
    cut through gives 0.32 * 9.00 + 0.40 * 1.00 = 3.28 < 3.76), so only a request is cut for."""
    plant = net.facility(capacity="10000")
    carcass = net.item(price="3.50", category="carcass")
    primal = net.item(price="4.00", category="primal")
    steak = net.item(price="9.00")
    trim = net.item(price="1.00", category="trim")
    breaking = net.pattern(carcass, {primal: "0.80"}, cost="0.10", facilities=[plant], process="breaking")
    assert breaking.lead_time_days == 1  # the default for breaking: carcasses chill a day
    net.pattern(primal, {steak: "0.40", trim: "0.50"}, cost="0.20", facilities=[plant])
    net.stock(plant, carcass, 5000)
    today = check(net, plant, steak, 100, 0)
    assert today.result == "infeasible" and today.earliest_date_full == net.day(1)
    tomorrow = check(net, plant, steak, 100, 1)
    assert tomorrow.result == "feasible"
    # 100 lb of steak: 250 lb of primal fabricated on day 1, from carcass broken on day 0 and chilled overnight.
    (cut,) = tomorrow.sources[0]["cut"]
    assert (cut["input_imps_code"], cut["input_lb"], cut["output_lb"]) == (primal.imps_code, 250, 100)
    # Primal from carcass (3.50 + 0.10) / 0.8 = 4.50; steak (4.50 + 0.20 - 0.5 * 1.00) / 0.4 = 10.50.
    assert tomorrow.marginal_price_per_lb == Decimal("10.5000")


@pytest.fixture
def dated(net):
    """X ($10.00) at one plant: 100 lb in a lot with use-by day 3, 50 lb in a lot that keeps."""
    plant = net.facility()
    x = net.item(price="10.00")
    short = net.stock(plant, x, 100, use_by=net.day(3))
    net.stock(plant, x, 50)
    return plant, x, short


def test_stock_is_never_promised_past_its_use_by(net, dated):
    plant, x, _short = dated
    assert check(net, plant, x, 150, 3).result == "feasible"  # delivered on its use-by day
    late = check(net, plant, x, 150, 4)
    assert late.result == "partial" and late.available_lb == Decimal("50.00")


def test_minimum_shelf_life_promises_only_stock_that_keeps(net, dated):
    plant, x, _short = dated
    # Delivered day 1, must keep until day 1 + 5 = 6: the lot with use-by day 3 does not.
    kept = check(net, plant, x, 120, 1, min_shelf_life_days=5)
    assert kept.result == "partial" and kept.available_lb == Decimal("50.00")
    assert check(net, plant, x, 120, 1, min_shelf_life_days=2).result == "feasible"  # day 3 >= 1 + 2
    assert check(net, plant, x, 40, 1, min_shelf_life_days=5).marginal_price_per_lb == Decimal("10.0000")


def test_expiring_stock_is_priced_at_its_salvage_value(net, dated):
    plant, x, _short = dated
    # The 100 lb expiring on day 3 would be salvaged at half list (5.00); promising one of them forgoes that.
    answer = check(net, plant, x, 40, 1)
    assert answer.result == "feasible" and answer.marginal_price_per_lb == Decimal("5.0000")
    # Past the short lot's 100 lb, the next lb comes from the lot that keeps: list price.
    assert check(net, plant, x, 120, 1).marginal_price_per_lb == Decimal("10.0000")


def test_stock_written_off_ahead_of_its_use_by_is_not_taken_off_twice(net):
    """Ribeye: 1,000 lb on hand with use-by day 5, all of it written off on day 1 (posted ahead). Rib: 1,000 lb
    that keeps, cut into ribeye at 50 %. The write-off already empties the lot; had its 1,000 lb also counted
    as expiring on day 5, the shelf-life row would want 1,000 lb of ribeye made by then, and the LP would cut
    all the rib for it (work nobody needs) and promise none of it."""
    plant = net.facility(capacity="10000")
    rib = net.item(price="8.00", category="primal")
    ribeye = net.item(price="12.00")
    net.pattern(rib, {ribeye: "0.5"}, cost="0.10", facilities=[plant])
    net.stock(plant, rib, 1000)
    net.stock(plant, ribeye, 1000, use_by=net.day(5))
    net.stock(plant, ribeye, -1000, day=1, use_by=net.day(5))
    answer = check(net, plant, rib, 1000, 0)
    assert answer.result == "feasible" and answer.available_lb == Decimal("1000.00")
    # Half the lot written off ahead: the other 500 lb still expire on day 5 and are priced at salvage.
    net.stock(plant, ribeye, 500, day=1, use_by=net.day(5))
    assert check(net, plant, rib, 1000, 0).result == "feasible"
    assert check(net, plant, ribeye, 100, 2).marginal_price_per_lb == Decimal("6.0000")


def test_salvage_price_is_a_one_lb_finite_difference(net, dated):
    plant, x, _short = dated
    with cache.session() as session:
        model = session.model(x.id, plant.id)
        low, high = (model.solve(x.id, plant.id, 1, q, 1.0, detail=False) for q in (39.0, 41.0))
        assert (high.cost - low.cost) / 2 == pytest.approx(5.0, abs=1e-6)
        kept = [model.solve(x.id, plant.id, 1, q, 1.0, detail=False, keep_until=6) for q in (19.0, 21.0)]
        assert (kept[1].cost - kept[0].cost) / 2 == pytest.approx(10.0, abs=1e-6)


def test_allocation_keeps_the_customers_shelf_life(net, dated):
    plant, x, _short = dated
    with pytest.raises(services.AtpShortage) as short:
        allocate(net, plant, x, 120, 1, min_shelf_life_days=5)
    assert short.value.context["lines"][0]["available_lb"] == Decimal("50.00")
    (allocation,) = allocate(net, plant, x, 50, 1, min_shelf_life_days=5)
    assert allocation.marginal_price_per_lb == Decimal("10.0000")
    # The 50 lb that keep are promised; the short lot is still there for a customer who takes it.
    assert check(net, plant, x, 10, 1, min_shelf_life_days=5).result == "infeasible"
    assert check(net, plant, x, 100, 1).result == "feasible"


def test_held_lot_is_never_promised(net):
    plant = net.facility()
    x = net.item(price="10.00")
    lot = net.stock(plant, x, 100)
    lot_hold(lot=lot, reason="positive swab")
    assert check(net, plant, x, 50, 1).result == "infeasible"
    lot_release(lot=lot, reason="retest negative")
    assert check(net, plant, x, 50, 1).result == "feasible"


def test_today_is_the_delivery_facilitys_local_date(net):
    west = net.facility(timezone="Etc/GMT+12")  # UTC-12
    east = net.facility(timezone="Etc/GMT-14")  # UTC+14: always at least a day ahead of `west`
    x = net.item(price="10.00")
    west_today = local_date("Etc/GMT+12")
    assert local_date("Etc/GMT-14") > west_today
    answer = services.atp_check(facility=west, item=x, quantity_lb=Decimal(10), delivery_date=west_today)
    assert answer.result == "infeasible"  # accepted: it is still that day at `west`
    with pytest.raises(InvalidInput) as past:
        services.atp_check(facility=east, item=x, quantity_lb=Decimal(10), delivery_date=west_today)
    assert past.value.field == "delivery_date" and "in the past" in str(past.value)


def test_check_by_customer_applies_their_minimum_shelf_life(api, net, dated):
    plant, x, _short = dated
    customer = customer_create(code="FRESH", name="Fresh Co", payment_terms_days=30, min_shelf_life_days=5)
    body = {"facility_id": plant.code, "imps_code": x.imps_code, "quantity_lb": 120, "delivery_date": str(net.day(1))}
    for ref in (customer.code, str(customer.pk)):
        answer = api.post("/api/v2/atp/check/", {**body, "customer_id": ref}, format="json").json()
        assert (answer["result"], answer["available_lb"], answer["min_shelf_life_days"]) == ("partial", 50, 5)
    # An explicit minimum overrides the customer's.
    relaxed = api.post("/api/v2/atp/check/", {**body, "customer_id": "FRESH", "min_shelf_life_days": 0}, format="json")
    assert relaxed.json()["result"] == "feasible"
    unknown = api.post("/api/v2/atp/check/", {**body, "customer_id": "NOPE"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "customer_id"


def test_confirmed_order_needing_a_cut_keeps_its_plan(api, net):
    """Confirm an order for a subprimal that only a cut can supply, then read the plan it relies on."""
    plant = net.facility(capacity="10000")
    primal = net.item(price="5.00", category="primal")
    steak = net.item(price="12.00")
    trim = net.item(price="1.00", category="trim")
    pattern = net.pattern(primal, {steak: "0.40", trim: "0.50"}, cost="0.30", facilities=[plant])
    net.stock(plant, primal, 5000)
    customer = customer_create(code="CUTS", name="Cut Co", payment_terms_days=30, min_shelf_life_days=3)
    created = api.post(
        "/api/v2/sales-orders/",
        {"customer": customer.pk, "facility": plant.pk, "delivery_date": str(net.day(2)), "status": "confirmed",
         "lines": [{"imps_code": steak.imps_code, "quantity_lb": "200"}]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    line = created.json()["lines"][0]
    # (5.00 + 0.30 - 0.5 * 1.00) / 0.4 = 12.00 per lb of steak cut to order.
    assert Decimal(line["marginal_price_per_lb"]) == Decimal("12.0000")
    steps = api.get("/api/v2/atp/plan-steps/", {"source_id": line["id"]}).json()["results"]
    (cut,) = [s for s in steps if s["kind"] == "cut"]
    assert (cut["pattern"], cut["facility"], cut["input_imps_code"]) == (pattern.pk, plant.pk, primal.imps_code)
    assert Decimal(cut["input_lb"]) == Decimal("500.00") and Decimal(cut["output_lb"]) == Decimal("200.00")
    assert dt.date.fromisoformat(cut["date"]) <= net.day(2)
    assert PlannedStep.objects.filter(source_id=line["id"], released_at__isnull=True).count() == len(steps)
