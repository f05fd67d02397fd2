"""Lots through the services: every pound in a lot, FEFO, holds, expiry, and refusals that name the lot."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from cashsheet.api.exceptions import Conflict, InvalidInput
from inventory import selectors, services
from inventory.models import LotBalance, LotEdge, StockBalance, StockMovement
from inventory.services import InsufficientStock, LotExpired, LotOnHold, TransformOutput

D = Decimal
DAY = date(2026, 3, 1)


@pytest.fixture
def lot(blythe, ribeye):
    def _lot(code, pack=DAY, **kwargs):
        return services.lot_create(item=ribeye, facility=blythe, code=code, origin="receipt", pack_date=pack, **kwargs)

    return _lot


def _in(facility, item, lot, lb, on=DAY):
    return services.stock_movement_post(
        facility=facility, item=item, kind="receipt", quantity_lb=D(lb), effective_date=on, lot=lot,
        unit_cost_per_lb=D("10"),
    )  # fmt: skip


def test_use_by_defaults_to_pack_date_plus_the_items_shelf_life_for_its_state(silo, ribeye, lot):
    assert (ribeye.shelf_life_days, ribeye.frozen_shelf_life_days) == (40, 365)  # subprimal defaults
    assert lot("C1").use_by_date == DAY + timedelta(days=40)
    assert lot("F1", state="frozen").use_by_date == DAY + timedelta(days=365)
    assert lot("G1", use_by_date=date(2026, 3, 20)).use_by_date == date(2026, 3, 20)
    with pytest.raises(InvalidInput) as err:
        lot("BAD", use_by_date=date(2026, 2, 1))
    assert err.value.field == "use_by_date"
    with pytest.raises(Conflict) as dup:  # 409 with existing_id
        lot("c1")
    assert dup.value.context["existing_id"]


def test_a_receipt_without_a_lot_creates_one_packed_that_day(silo, blythe, ribeye):
    movement = services.stock_movement_post(
        facility=blythe, item=ribeye, kind="receipt", quantity_lb=D("10"), effective_date=DAY
    )
    assert movement.lot.origin == "receipt" and movement.lot.pack_date == DAY
    assert movement.lot.code.startswith("BLYTHE-26060-")


def test_fefo_takes_the_earliest_use_by_first_and_skips_held_and_expired(silo, blythe, ribeye, lot):
    late, early, held, old = lot("LATE", DAY), lot("EARLY", DAY - timedelta(days=20)), lot("HELD"), lot("OLD")
    services.lot_update(lot=old, use_by_date=date(2026, 3, 2))
    for each in (late, early, held, old):
        _in(blythe, ribeye, each, 100)
    services.lot_hold(lot=held, reason="Positive swab")
    picks = services.lots_pick_fefo(facility=blythe, item=ribeye, quantity_lb="150", on=date(2026, 3, 5))
    assert [(p.code, lb) for p, lb in picks] == [("EARLY", D("100.00")), ("LATE", D("50.00"))]
    with pytest.raises(InsufficientStock) as err:
        services.stock_issue(
            facility=blythe, item=ribeye, kind="shipment", quantity_lb="250", effective_date=date(2026, 3, 5)
        )
    ctx = err.value.context
    assert (ctx["available_lb"], ctx["held_lb"], ctx["expired_lb"], ctx["shortfall_lb"]) == (
        "200.00", "100.00", "100.00", "50.00",
    )  # fmt: skip
    assert "100.00 lb on hold" in err.value.detail and "past its use-by" in err.value.detail
    moved = services.stock_issue(
        facility=blythe, item=ribeye, kind="shipment", quantity_lb="150", effective_date=date(2026, 3, 5)
    )
    assert [(m.lot.code, m.quantity_lb) for m in moved] == [("EARLY", D("100.00")), ("LATE", D("50.00"))]


def test_named_lot_refusals_name_the_lot_and_write_nothing(silo, blythe, denver, ribeye, make_item, lot):
    chuck = make_item("116A")
    good, held, expired = lot("GOOD"), lot("HELD"), lot("EXP", use_by_date=date(2026, 3, 3))
    for each in (good, held, expired):
        _in(blythe, ribeye, each, 40)
    services.lot_hold(lot=held, reason="Supplier recall notice")
    before = StockMovement.objects.count()

    def ship(the_lot, lb="10", item=ribeye, facility=blythe, kind="shipment"):
        return services.stock_movement_post(
            facility=facility, item=item, kind=kind, quantity_lb=D(lb), effective_date=date(2026, 3, 5), lot=the_lot,
            **({"direction": -1} if kind == "adjustment" else {}),
        )  # fmt: skip

    with pytest.raises(LotOnHold) as err:
        ship(held)
    assert err.value.context["lot_code"] == "HELD" and "Supplier recall notice" in err.value.detail
    with pytest.raises(LotExpired) as err:
        ship(expired)
    assert err.value.context["use_by_date"] == "2026-03-03"
    with pytest.raises(InsufficientStock) as err:
        ship(good, "41")
    assert (err.value.context["lot_code"], err.value.context["shortfall_lb"]) == ("GOOD", "1.00")
    with pytest.raises(InvalidInput) as err:
        ship(good, item=chuck)
    assert err.value.field == "lot" and "GOOD is a lot of 112A" in err.value.detail
    with pytest.raises(InvalidInput) as err:
        ship(good, facility=denver)
    assert "no stock at DENVER (it lies at BLYTHE)" in err.value.detail
    assert StockMovement.objects.count() == before
    # Writing off a held or expired lot is how it leaves the books: a negative adjustment may.
    ship(held, "40", kind="adjustment")
    ship(expired, "40", kind="adjustment")
    assert LotBalance.objects.filter(lot__in=[held, expired]).aggregate(s=Sum("on_hand_lb"))["s"] == 0


def test_a_lot_is_checked_on_every_later_date_too(silo, blythe, ribeye, lot):
    a = lot("A")
    _in(blythe, ribeye, a, 100, on=date(2026, 3, 1))
    services.stock_movement_post(
        facility=blythe, item=ribeye, kind="shipment", quantity_lb=D("80"), effective_date=date(2026, 3, 10), lot=a
    )
    _in(blythe, ribeye, lot("B"), 500, on=date(2026, 3, 1))  # the pair has plenty; lot A does not
    with pytest.raises(InsufficientStock) as err:
        services.stock_movement_post(
            facility=blythe, item=ribeye, kind="shipment", quantity_lb=D("50"), effective_date=date(2026, 3, 3), lot=a
        )
    assert (err.value.context["date"], err.value.context["shortfall_lb"]) == ("2026-03-10", "30.00")


def test_transfer_keeps_the_lot_and_in_transit_stock_cannot_ship_early(silo, blythe, denver, ribeye, lot):
    a = lot("A")
    _in(blythe, ribeye, a, 100)
    lane = services.transfer_lane_create(from_facility=blythe, to_facility=denver, lead_time_days=2)
    [(out_leg, in_leg)] = services.stock_transfer_post(
        lane=lane, item=ribeye, ship_date=date(2026, 3, 3), lot=a, quantity_lb="60"
    )
    assert out_leg.lot_id == in_leg.lot_id == a.pk and in_leg.effective_date == date(2026, 3, 5)
    assert {b.facility.code: b.on_hand_lb for b in LotBalance.objects.filter(lot=a)} == {
        "BLYTHE": D("40.00"), "DENVER": D("60.00"),
    }  # fmt: skip
    with pytest.raises(InsufficientStock):  # still on the truck on 3/4
        services.stock_movement_post(
            facility=denver, item=ribeye, kind="shipment", quantity_lb=D("1"), effective_date=date(2026, 3, 4), lot=a
        )
    services.stock_movement_post(
        facility=denver, item=ribeye, kind="shipment", quantity_lb=D("60"), effective_date=date(2026, 3, 5), lot=a
    )
    services.lot_hold(lot=a, reason="Trace request")
    with pytest.raises(LotOnHold):
        services.stock_transfer_post(lane=lane, item=ribeye, ship_date=date(2026, 3, 6), lot=a, quantity_lb="1")


def test_a_receipt_adds_only_to_a_lot_of_its_own_item_and_facility(silo, blythe, denver, ribeye, lot):
    a = lot("A")
    with pytest.raises(InvalidInput) as err:
        _in(denver, ribeye, a, 10)
    assert err.value.field == "lot" and "belongs to BLYTHE" in err.value.detail
    _in(blythe, ribeye, a, 10)
    _in(blythe, ribeye, a, 5)
    assert LotBalance.objects.get(lot=a).on_hand_lb == D("15.00")


def test_lot_transform_consumes_inputs_makes_outputs_and_records_genealogy(silo, blythe, ribeye, make_item, lot):
    rib = make_item("103", category="primal")
    trim = make_item("TRIM81", category="trim")
    rib_lot = services.lot_create(
        item=rib, facility=blythe, code="RIB-1", origin="receipt", pack_date=DAY, kill_date=DAY - timedelta(days=2)
    )
    _in(blythe, rib, rib_lot, 1000)
    result = services.lot_transform(
        facility=blythe,
        inputs=[(rib_lot, D("1000"))],
        outputs=[
            TransformOutput(item=ribeye, quantity_lb=D("350"), code="RR-1"),
            TransformOutput(item=trim, quantity_lb=D("150")),
        ],
        production_date=date(2026, 3, 2),
    )
    ribeye_lot, trim_lot = result.lots
    assert (
        ribeye_lot.code == "RR-1"
        and ribeye_lot.origin == "production"
        and ribeye_lot.kill_date == DAY - timedelta(days=2)
    )
    # An output never outlives its input: 112A's 40 days would pass the rib's use-by (3/1 + 35).
    assert ribeye_lot.use_by_date == rib_lot.use_by_date == date(2026, 4, 5)
    assert trim_lot.use_by_date == date(2026, 3, 12)  # trim's own 10 days are shorter
    edges = {(e.parent.code, e.child_id): e.quantity_lb for e in LotEdge.objects.select_related("parent")}
    assert edges == {("RIB-1", ribeye_lot.pk): D("700.00"), ("RIB-1", trim_lot.pk): D("300.00")}
    value_in = -sum(m.value for m in result.inputs)
    assert sum(m.value for m in result.outputs) == value_in  # cost follows the pounds
    assert selectors.stock_on_hand(facility=blythe, item=rib, as_of=date(2026, 3, 2)) == 0


def test_lot_balances_sum_to_the_pair_and_supply_by_expiry_leaves_out_held_and_expired(silo, blythe, ribeye, lot):
    a, b, c = lot("A", DAY), lot("B", DAY + timedelta(days=5)), lot("C")
    for each, lb in ((a, 100), (b, 50), (c, 25)):
        _in(blythe, ribeye, each, lb)
    services.lot_hold(lot=c, reason="Hold")
    pair = StockBalance.objects.get(facility=blythe, item=ribeye)
    assert (
        LotBalance.objects.filter(facility=blythe, lot__item=ribeye).aggregate(s=Sum("on_hand_lb"))["s"]
        == pair.on_hand_lb
    )
    supply = selectors.supply_by_expiry(item_ids={ribeye.pk}, today=date(2026, 3, 8))
    assert supply == {
        (blythe.pk, ribeye.pk): [
            (date(2026, 4, 10), D("100.00"), D("100.00")),
            (date(2026, 4, 15), D("50.00"), D("50.00")),
        ]
    }
    assert selectors.supply_by_expiry(item_ids={ribeye.pk}, today=date(2026, 4, 12)) == {
        (blythe.pk, ribeye.pk): [(date(2026, 4, 15), D("50.00"), D("50.00"))]
    }
