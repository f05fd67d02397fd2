"""Stock postings through the public services: what other apps (sales, production) rely on."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cashsheet.api.exceptions import InvalidInput
from inventory import selectors, services
from inventory.models import StockBalance, StockDay, StockMovement
from inventory.services import InsufficientStock

D = Decimal


def test_receipts_blend_weighted_average_and_shipment_is_valued_at_it(silo, blythe, ribeye, receive, ship):
    receive(blythe, ribeye, 1000, cost="10.0000")
    receive(blythe, ribeye, 500, cost="11.0000")
    balance = StockBalance.objects.get(facility=blythe, item=ribeye)
    assert balance.on_hand_lb == D("1500.00")
    assert balance.value == D("15500.00")
    assert balance.avg_cost_per_lb == D("10.3333")

    [shipped] = ship(blythe, ribeye, 300)
    # COGS for sales: 300 lb at the average cost, negative because it leaves stock.
    assert shipped.value == D("-3099.99")
    assert shipped.unit_cost_per_lb == D("10.3333")
    balance.refresh_from_db()
    assert balance.on_hand_lb == D("1200.00")
    assert balance.value == D("12400.01")
    assert balance.avg_cost_per_lb == D("10.3333")  # an outbound movement does not move the average

    last = ship(blythe, ribeye, 1200)  # both receipts' lots, earliest use-by first
    assert [m.quantity_lb for m in last] == [D("700.00"), D("500.00")]
    assert sum(m.value for m in last) == D("-12400.01")  # the last pound takes the remaining value, no residue
    balance.refresh_from_db()
    assert (balance.on_hand_lb, balance.value) == (D("0.00"), D("0.00"))


def test_production_output_moves_average(silo, blythe, ribeye, receive):
    receive(blythe, ribeye, 100, cost="10.0000")
    services.stock_movement_post(
        facility=blythe,
        item=ribeye,
        kind="production_output",
        quantity_lb=D("100"),
        effective_date=date(2026, 3, 2),
        unit_cost_per_lb=D("12.0000"),
    )
    assert StockBalance.objects.get(facility=blythe, item=ribeye).avg_cost_per_lb == D("11.0000")


def test_shipment_beyond_stock_is_refused_with_shortfall_and_nothing_written(silo, blythe, ribeye, receive, ship):
    receive(blythe, ribeye, 1000)
    before = StockMovement.objects.count()
    with pytest.raises(InsufficientStock) as err:
        ship(blythe, ribeye, 1400, on=date(2026, 3, 5))
    ctx = err.value.context
    assert (ctx["facility_code"], ctx["imps_code"], ctx["date"]) == ("BLYTHE", "112A", "2026-03-05")
    assert ctx["shortfall_lb"] == "400.00"
    assert StockMovement.objects.count() == before
    assert selectors.stock_on_hand(facility=blythe, item=ribeye, as_of=date(2026, 3, 31)) == D("1000.00")


def test_backdated_shipment_that_would_make_a_later_day_negative_is_refused(silo, blythe, ribeye, receive, ship):
    receive(blythe, ribeye, 1000, on=date(2026, 3, 1))
    ship(blythe, ribeye, 800, on=date(2026, 3, 10))
    # On 3 March there are 1000 lb, but shipping 500 then leaves 3/10's 800 lb shipment 300 short.
    with pytest.raises(InsufficientStock) as err:
        ship(blythe, ribeye, 500, on=date(2026, 3, 3))
    assert err.value.context["date"] == "2026-03-10"
    assert err.value.context["shortfall_lb"] == "300.00"
    assert not StockDay.objects.filter(facility=blythe, item=ribeye, date=date(2026, 3, 3)).exists()
    # A backdated shipment that fits is accepted and lowers every later day.
    ship(blythe, ribeye, 200, on=date(2026, 3, 3))
    assert selectors.stock_on_hand(facility=blythe, item=ribeye, as_of=date(2026, 3, 3)) == D("800.00")
    assert selectors.stock_on_hand(facility=blythe, item=ribeye, as_of=date(2026, 3, 10)) == D("0.00")


def test_shipment_before_the_stock_arrives_is_refused(silo, blythe, ribeye, receive, ship):
    receive(blythe, ribeye, 1000, on=date(2026, 3, 10))
    with pytest.raises(InsufficientStock) as err:
        ship(blythe, ribeye, 10, on=date(2026, 3, 9))
    assert err.value.context["date"] == "2026-03-09"


def test_as_of_balances(silo, blythe, ribeye, receive, ship):
    receive(blythe, ribeye, 1000, on=date(2026, 3, 1))
    ship(blythe, ribeye, 300, on=date(2026, 3, 5))
    receive(blythe, ribeye, 50, on=date(2026, 3, 8))
    on = lambda d: selectors.stock_on_hand(facility=blythe, item=ribeye, as_of=d)  # noqa: E731
    assert on(date(2026, 2, 28)) == D("0.00")
    assert on(date(2026, 3, 1)) == D("1000.00")
    assert on(date(2026, 3, 4)) == D("1000.00")
    assert on(date(2026, 3, 5)) == D("700.00")
    assert on(date(2026, 3, 9)) == D("750.00")
    assert selectors.stock_on_hand(facility=blythe, item=ribeye) == D("750.00")  # today


def test_transfer_posts_both_legs_dated_by_lead_time(silo, blythe, denver, ribeye, receive):
    lot = receive(blythe, ribeye, 1000, cost="12.0000", lot_code="L1").lot
    lane = services.transfer_lane_create(from_facility=blythe, to_facility=denver, lead_time_days=2)
    [(out_leg, in_leg)] = services.stock_transfer_post(
        lane=lane, item=ribeye, quantity_lb="400", ship_date=date(2026, 3, 3), lot=lot
    )
    assert out_leg.lot_id == in_leg.lot_id == lot.pk  # the label on the box does not change on a truck
    assert (out_leg.kind, out_leg.direction, out_leg.effective_date) == ("transfer_out", -1, date(2026, 3, 3))
    assert (in_leg.kind, in_leg.direction, in_leg.effective_date) == ("transfer_in", 1, date(2026, 3, 5))
    assert out_leg.transfer_pair_id == in_leg.pk and in_leg.transfer_pair_id == out_leg.pk
    assert out_leg.value == D("-4800.00") and in_leg.value == D("4800.00")
    on = selectors.stock_on_hand
    assert on(facility=blythe, item=ribeye, as_of=date(2026, 3, 3)) == D("600.00")
    assert on(facility=denver, item=ribeye, as_of=date(2026, 3, 4)) == D("0.00")  # in transit
    assert on(facility=denver, item=ribeye, as_of=date(2026, 3, 5)) == D("400.00")
    assert StockBalance.objects.get(facility=denver, item=ribeye).avg_cost_per_lb == D("12.0000")


def test_transfer_beyond_stock_writes_neither_leg(silo, blythe, denver, ribeye, receive):
    receive(blythe, ribeye, 100)
    lane = services.transfer_lane_create(from_facility=blythe, to_facility=denver)
    with pytest.raises(InsufficientStock):
        services.stock_transfer_post(lane=lane, item=ribeye, quantity_lb=D("150"), ship_date=date(2026, 3, 3))
    assert not StockMovement.objects.filter(kind__in=["transfer_out", "transfer_in"]).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"quantity_lb": D("0")}, "quantity_lb"),
        ({"quantity_lb": D("-5")}, "quantity_lb"),
        ({"quantity_lb": "abc"}, "quantity_lb"),
        ({"kind": "gift"}, "kind"),
        ({"kind": "transfer_in"}, "kind"),
        ({"kind": "adjustment"}, "direction"),
        ({"direction": -1}, "direction"),
        ({"unit_cost_per_lb": D("-1")}, "unit_cost_per_lb"),
        ({"kind": "shipment"}, "lot"),
        ({"kind": "adjustment", "direction": 1}, "lot"),
    ],
)
def test_bad_input_names_the_field(silo, blythe, ribeye, receive, kwargs, field):
    receive(blythe, ribeye, 100, lot_code="L1")
    args = {
        "facility": blythe,
        "item": ribeye,
        "kind": "receipt",
        "quantity_lb": D("5"),
        "effective_date": timezone.localdate(),
    }
    with pytest.raises(InvalidInput) as err:
        services.stock_movement_post(**{**args, **kwargs})
    assert err.value.field == field
    assert StockMovement.objects.count() == 1


def test_adjustments_carry_their_direction(silo, blythe, ribeye, receive):
    lot = receive(blythe, ribeye, 100, cost="10.0000", on=timezone.localdate()).lot
    [down] = services.stock_issue(
        facility=blythe,
        item=ribeye,
        kind="adjustment",
        direction=-1,
        quantity_lb=D("4"),
        effective_date=timezone.localdate(),
    )
    assert down.value == D("-40.00") and down.lot_id == lot.pk
    services.stock_movement_post(
        facility=blythe,
        item=ribeye,
        kind="adjustment",
        direction=1,
        quantity_lb=D("1"),
        effective_date=timezone.localdate(),
        lot=lot,
    )
    assert selectors.stock_on_hand(facility=blythe, item=ribeye) == D("97.00")


def test_stock_levels_for_many_pairs_in_one_query(silo, blythe, denver, ribeye, make_item, receive, ship):
    chuck = make_item("116A")
    receive(blythe, ribeye, 100, on=date(2026, 3, 1))
    receive(denver, ribeye, 40, on=date(2026, 3, 4))
    receive(blythe, chuck, 7, on=date(2026, 3, 2))
    ship(blythe, ribeye, 30, on=date(2026, 3, 3))
    with CaptureQueriesContext(connection) as queries:
        levels = selectors.stock_levels(as_of=date(2026, 3, 3))
    # One SELECT (django-tenants may add a SET search_path before it, depending on its settings).
    assert len([q for q in queries if not q["sql"].startswith("SET search_path")]) == 1
    assert levels == {(blythe.pk, ribeye.pk): D("70.00"), (blythe.pk, chuck.pk): D("7.00")}
    assert selectors.stock_levels(as_of=date(2026, 3, 4), item_ids=[ribeye.pk]) == {
        (blythe.pk, ribeye.pk): D("70.00"),
        (denver.pk, ribeye.pk): D("40.00"),
    }


def test_stock_days_carry_closings_forward(silo, blythe, ribeye, receive, ship):
    receive(blythe, ribeye, 100, on=date(2026, 3, 2))
    ship(blythe, ribeye, 40, on=date(2026, 3, 4))
    days = selectors.stock_days(facility=blythe, item=ribeye, start=date(2026, 3, 1), end=date(2026, 3, 5))
    assert [lb for _, lb in days] == [D("0.00"), D("100.00"), D("100.00"), D("60.00"), D("60.00")]
    assert days[0][0] == date(2026, 3, 1) and days[-1][0] == date(2026, 3, 5)


def test_same_day_movements_share_the_day_row(silo, blythe, ribeye, receive, ship):
    # Regression: a shipment dated the same day as the only receipt must not trip closing_lb >= 0.
    receive(blythe, ribeye, 2400, on=date(2026, 3, 10))
    ship(blythe, ribeye, 800, on=date(2026, 3, 10))
    receive(blythe, ribeye, 100, on=date(2026, 3, 10))
    ship(blythe, ribeye, 1700, on=date(2026, 3, 10))
    day = StockDay.objects.get(facility=blythe, item=ribeye)
    assert (day.date, day.closing_lb) == (date(2026, 3, 10), D("0.00"))
    with pytest.raises(InsufficientStock):
        ship(blythe, ribeye, 1, on=date(2026, 3, 10))
