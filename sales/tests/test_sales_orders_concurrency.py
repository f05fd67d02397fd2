"""50 confirmations race for stock that covers 20: exactly 20 are confirmed, nothing is over-reserved."""

import threading
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from atp.services import AtpShortage
from cashsheet.testing import unique
from inventory import services as inventory
from inventory.models import Reservation, StockBalance
from parties.services import customer_create
from sales.models import SalesOrder
from sales.services import sales_order_confirm, sales_order_create
from sales.services.orders import LineInput


def test_fifty_parallel_confirmations_for_twenty_orders_worth_of_stock(committed):
    today = timezone.localdate()
    plant = inventory.facility_create(code=unique("RACE"), name="Race plant")
    item = inventory.item_create(
        imps_code=unique("RC"), description="Race item", category="subprimal", list_price_per_lb=Decimal("12")
    )
    inventory.stock_movement_post(
        facility=plant,
        item=item,
        kind="receipt",
        quantity_lb=Decimal("400"),
        effective_date=today - timedelta(days=1),
        unit_cost_per_lb=Decimal("8"),
    )
    customer = customer_create(code=unique("RC"), name="Racer")
    orders = [
        sales_order_create(
            customer=customer,
            facility=plant,
            delivery_date=today + timedelta(days=2),
            lines=[LineInput(item=item, quantity_lb=Decimal("20"))],
        )
        for _ in range(50)
    ]
    outcomes: dict[int, str] = {}
    barrier = threading.Barrier(len(orders))

    def confirm(order):
        connection.set_tenant(committed)
        try:
            barrier.wait()
            sales_order_confirm(order=order)
            outcomes[order.pk] = "confirmed"
        except AtpShortage:
            outcomes[order.pk] = "409"
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            outcomes[order.pk] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert sorted(set(outcomes.values())) == ["409", "confirmed"], outcomes
    assert list(outcomes.values()).count("confirmed") == 20
    confirmed = set(
        SalesOrder.objects.filter(pk__in=[o.pk for o in orders], status="confirmed").values_list("pk", flat=True)
    )
    assert confirmed == {pk for pk, outcome in outcomes.items() if outcome == "confirmed"}
    reserved = Reservation.objects.filter(item=item, released_at__isnull=True).aggregate(total=Sum("quantity_lb"))
    assert reserved["total"] == Decimal("400.00")
    assert reserved["total"] <= StockBalance.objects.get(facility=plant, item=item).on_hand_lb
