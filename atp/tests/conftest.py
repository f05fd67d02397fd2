"""ATP fixtures: a small network built row by row, with stock written straight into the kept tables.

Production stock comes from inventory.services (which keep StockBalance, StockDay and the lots' LotBalance
and LotDay in step with movements); these tests write the derived tables directly so that ATP can be
tested on its own, with exactly the quantities a hand computation needs. Every pound is in a lot: one per
facility, item and use-by (None: it keeps), which is what supply_by_expiry reads.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F

from cashsheet.testing import unique
from cashsheet.timezones import DEFAULT_TIMEZONE, local_date
from inventory.models import (
    CuttingPattern,
    CuttingPatternOutput,
    Facility,
    Item,
    Lot,
    LotBalance,
    LotDay,
    Reservation,
    StockBalance,
    StockDay,
    TransferLane,
)


def D(value) -> Decimal:  # noqa: N802 - reads like a literal
    return Decimal(str(value))


class NetworkBuilder:
    def __init__(self):
        # Day 0 is the facilities' own date (the default zone's), not the server's: between midnight UTC and
        # midnight in Chicago the two differ, and stock dated by the server's date would land on day 1.
        self.today = local_date(DEFAULT_TIMEZONE)

    def day(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)

    def facility(
        self, code: str | None = None, *, capacity="0", breaking=None, can_break=True, timezone="America/Chicago"
    ) -> Facility:
        """`capacity`: fabrication capacity (and breaking, unless `breaking` says otherwise), lb of input a day."""
        return Facility.objects.create(
            code=(code or unique("F")).upper(),
            name="Plant",
            can_break=can_break,
            fabrication_capacity_lb=D(capacity),
            breaking_capacity_lb=D(capacity if breaking is None else breaking),
            timezone=timezone,
        )

    def item(self, *, price, category="subprimal", code: str | None = None) -> Item:
        return Item.objects.create(
            imps_code=code or unique("I"), description="Test item", category=category, list_price_per_lb=D(price)
        )

    def lane(self, source: Facility, dest: Facility, *, lead=1, cost="0") -> TransferLane:
        return TransferLane.objects.create(
            from_facility=source, to_facility=dest, lead_time_days=lead, cost_per_lb=D(cost)
        )

    def pattern(
        self, source: Item, outputs: dict[Item, str], *, cost, facilities, process="fabrication", lead=None
    ) -> CuttingPattern:
        lead = (1 if process == "breaking" else 0) if lead is None else lead
        pattern = CuttingPattern.objects.create(
            code=unique("P"), input_item=source, processing_cost_per_lb=D(cost), process=process, lead_time_days=lead
        )
        for out, fraction in outputs.items():
            CuttingPatternOutput.objects.create(pattern=pattern, item=out, yield_fraction=D(fraction))
        pattern.facilities.set(facilities)
        # The M2M and outputs carry no updated_at; touching the pattern tells ATP's cache the structure moved.
        pattern.save()
        return pattern

    def stock(self, facility: Facility, item: Item, lb, *, day: int = 0, use_by: dt.date | None = None) -> Lot:
        """Add `lb` arriving on day `day` (0: on hand today; later: a scheduled receipt), in the pair's lot
        with use-by `use_by` (None: does not expire)."""
        date = self.day(day)
        lb = D(lb)
        previous = StockDay.objects.filter(facility=facility, item=item, date__lte=date).order_by("-date").first()
        row, created = StockDay.objects.get_or_create(
            facility=facility, item=item, date=date, defaults={"closing_lb": (previous.closing_lb if previous else 0)}
        )
        StockDay.objects.filter(facility=facility, item=item, date__gte=date).update(closing_lb=F("closing_lb") + lb)
        lot, _ = Lot.objects.get_or_create(
            item=item,
            facility=facility,
            code=f"NET-{facility.code}-{use_by or 'KEEPS'}",
            defaults={"origin": "opening", "pack_date": min(date, self.today, use_by or date), "use_by_date": use_by},
        )
        before = LotDay.objects.filter(lot=lot, facility=facility, date__lte=date).order_by("-date").first()
        LotDay.objects.get_or_create(
            lot=lot, facility=facility, date=date, defaults={"closing_lb": (before.closing_lb if before else 0)}
        )
        LotDay.objects.filter(lot=lot, facility=facility, date__gte=date).update(closing_lb=F("closing_lb") + lb)
        lot_balance, _ = LotBalance.objects.get_or_create(lot=lot, facility=facility)
        balance, _ = StockBalance.objects.get_or_create(facility=facility, item=item)
        if day <= 0:
            balance.on_hand_lb += lb
            lot_balance.on_hand_lb += lb
        lot_balance.save()
        balance.save()  # moves updated_at even for a future receipt: ATP's cache watches it
        return lot

    def reserve(self, facility: Facility, item: Item, lb, *, day: int, source_id: int = 1) -> Reservation:
        return Reservation.objects.create(
            facility=facility,
            delivery_facility=facility,
            item=item,
            delivery_date=self.day(day),
            quantity_lb=D(lb),
            source_id=source_id,
        )


@pytest.fixture
def net(silo) -> NetworkBuilder:
    return NetworkBuilder()


@pytest.fixture
def live_net(committed) -> NetworkBuilder:
    return NetworkBuilder()
