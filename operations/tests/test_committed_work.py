"""Planned work feeds the ATP's supply (inventory.selectors.committed_work): a planned cut consumes its input
and yields its outputs in every later answer, what a confirmed line reserved of that output is never promised
again, and cancelling the line's order cancels the cut nobody else relies on.

Figures by hand, on the rib pattern (109 rib → ribeye 48 %, back ribs 12 %, fat 15 %, bone 12 %) with
1,000 lb of rib at the plant and nothing else anywhere.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from atp.services import atp_check
from cashsheet.testing import unique
from cashsheet.timezones import local_date
from inventory.models import Facility, Lot, ProductionOrder, TransferOrder, WorkDemand
from inventory.selectors import committed_work
from operations.services.perpetual import stock_post_valued
from operations.services.production import production_order_cancel, production_order_create
from operations.services.transfers import transfer_order_create
from parties.services import customer_create
from sales.services import LineInput, sales_order_cancel, sales_order_confirm, sales_order_create

D = Decimal


@pytest.fixture
def day0(plant):
    return local_date(plant.timezone)  # the ATP's day 0 is the plant's own date


@pytest.fixture
def rib_on_hand(plant, rib_pattern, day0):
    # The ATP cuts only where a plant has capacity for the process (here far above what is cut).
    Facility.objects.filter(pk=plant.pk).update(breaking_capacity_lb=D("50000"), fabrication_capacity_lb=D("50000"))
    stock_post_valued(facility=plant, item=rib_pattern.rib, kind="receipt", quantity_lb=D("1000"),
                      unit_cost_per_lb=D("5.5800"), effective_date=day0, memo="rib")  # fmt: skip
    return rib_pattern


def available(plant, item, on, lb="100000") -> Decimal:
    return atp_check(facility=plant, item=item, quantity_lb=D(lb), delivery_date=on).available_lb


def order(plant, item, lb, on):
    customer = customer_create(code=unique("C"), name="Steakhouse")
    created = sales_order_create(customer=customer, facility=plant, delivery_date=on, min_shelf_life_days=0,
                                 lines=[LineInput(item=item, quantity_lb=D(lb))])  # fmt: skip
    return sales_order_confirm(order=created)


def test_committed_work_reports_planned_and_released_orders_not_completed_or_cancelled(
    plant, store, lane, rib_on_hand, day0
):
    pattern = rib_on_hand
    past = production_order_create(pattern=pattern, facility=plant, production_date=day0 - timedelta(days=2),
                                   planned_input_lb=D("100"))  # fmt: skip
    late = production_order_create(pattern=pattern, facility=plant, production_date=day0 + timedelta(days=30),
                                   planned_input_lb=D("50"))  # fmt: skip
    gone = production_order_create(pattern=pattern, facility=plant, production_date=day0, planned_input_lb=D("7"))
    production_order_cancel(order=gone)
    move = transfer_order_create(lane=lane, item=pattern.out["ribeye"], quantity_lb=D("40"),
                                 ship_date=day0 + timedelta(days=1))  # fmt: skip
    work = committed_work(item_ids={pattern.out["ribeye"].pk}, today=day0, end=day0 + timedelta(days=14))
    # Overdue work is owed today; work after the horizon and cancelled work are not there.
    assert work.cuts == [(pattern.pk, plant.pk, day0, D("100.00"))]
    assert work.transfers == [(lane.pk, pattern.out["ribeye"].pk, day0 + timedelta(days=1), D("40.00"))]
    assert late.pk and move.pk and past.pk
    # An item the work does not touch sees none of it.
    other = committed_work(item_ids={lane.pk * 0 + 10**9}, today=day0, end=day0 + timedelta(days=14))
    assert other.cuts == [] and other.transfers == []


def test_a_planned_cut_consumes_its_input_and_supplies_its_outputs(plant, rib_on_hand, day0):
    pattern = rib_on_hand
    eye, ribs, rib = pattern.out["ribeye"], pattern.out["backribs"], pattern.rib
    on = day0 + timedelta(days=2)
    assert available(plant, rib, on) == D("1000.00")
    # An LP run's plan (or a planner) puts all 1,000 lb of rib on the saw tomorrow.
    production_order_create(pattern=pattern, facility=plant, production_date=day0 + timedelta(days=1),
                            planned_input_lb=D("1000"))  # fmt: skip
    assert available(plant, rib, on) == D("0.00")  # every pound of rib is committed to the cut
    assert available(plant, eye, on) == D("480.00")  # 1,000 × 48 %
    # Order A takes 300 lb of the cut's ribeye: no new work (it relies on the cut already planned).
    a = order(plant, eye, "300", on)
    assert a.status == "confirmed"
    assert not WorkDemand.objects.filter(source_id__in=a.lines.values("pk")).exists()
    assert ProductionOrder.objects.get().planned_input_lb == D("1000.00")
    # B sees only what A did not reserve: 480 - 300; the back ribs are untouched: 1,000 × 12 %.
    assert available(plant, eye, on) == D("180.00")
    assert available(plant, ribs, on) == D("120.00")


def test_work_reserved_for_a_line_is_never_promised_again_and_cancelling_frees_it(plant, rib_on_hand, day0):
    pattern = rib_on_hand
    eye, rib = pattern.out["ribeye"], pattern.rib
    on = day0 + timedelta(days=2)
    # A: 300 lb of ribeye needs 300 / 0.48 = 625 lb of rib cut; the confirmation plans that cut for A.
    a = order(plant, eye, "300", on)
    [cut] = ProductionOrder.objects.filter(status="planned")
    assert cut.planned_input_lb == D("625.00")
    [demand] = WorkDemand.objects.filter(production_order=cut)
    assert (demand.quantity_lb, demand.input_lb) == (D("300.00"), D("625.00"))
    # B: what is left is the 375 lb of rib not on the saw, 375 × 48 % = 180 lb of ribeye; the cut's own ribeye
    # is A's (its whole 300 lb), so it is not promised twice. Rib itself: 1,000 - 625.
    assert available(plant, eye, on) == D("180.00")
    assert available(plant, rib, on) == D("375.00")
    # B confirms those 180 lb: its cut joins A's planned order (same pattern, plant and day) by 375 lb.
    b = order(plant, eye, "180", on)
    cut.refresh_from_db()
    assert cut.planned_input_lb == D("1000.00")
    assert available(plant, eye, on) == D("0.00")
    # Cancelling A takes its 625 lb off the cut (B still relies on the rest) and frees 300 lb of ribeye.
    sales_order_cancel(order=a)
    cut.refresh_from_db()
    assert (cut.status, cut.planned_input_lb) == ("planned", D("375.00"))
    assert available(plant, eye, on) == D("300.00")
    # Cancelling B too: nobody relies on the cut, which is cancelled; the rib is free again.
    sales_order_cancel(order=b)
    cut.refresh_from_db()
    assert cut.status == "cancelled"
    assert available(plant, rib, on) == D("1000.00")
    assert available(plant, eye, on) == D("480.00")
    assert not TransferOrder.objects.exists()


def test_planned_work_whose_input_is_gone_is_not_promised_and_the_atp_still_answers(plant, rib_on_hand, day0):
    pattern = rib_on_hand
    eye, rib = pattern.out["ribeye"], pattern.rib
    on = day0 + timedelta(days=2)
    production_order_create(pattern=pattern, facility=plant, production_date=day0 + timedelta(days=1),
                            planned_input_lb=D("1000"))  # fmt: skip
    # 600 of the 1,000 lb of rib are written off after the cut was planned: the cut can use 400 (400 × 48 %).
    lot = Lot.objects.get(item=rib)
    stock_post_valued(facility=plant, item=rib, kind="adjustment", direction=-1, quantity_lb=D("600"),
                      effective_date=day0, lot=lot, memo="QA write-off")  # fmt: skip
    assert available(plant, eye, on) == D("192.00")
    assert available(plant, rib, on) == D("0.00")
    # All of it gone: the ATP answers (no work can be done), rather than failing on a cut it cannot feed.
    stock_post_valued(facility=plant, item=rib, kind="adjustment", direction=-1, quantity_lb=D("400"),
                      effective_date=day0, lot=lot, memo="QA write-off")  # fmt: skip
    assert available(plant, eye, on) == D("0.00")
    assert ProductionOrder.objects.get().status == "planned"  # the order itself is the planner's to resize
