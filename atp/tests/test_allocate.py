"""Confirmation support: atp_allocate reserves all lines or none; two confirmations never share the last lb."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from atp import services
from atp.services import AllocationRequest, AtpShortage
from inventory.models import Reservation


def line(net, source_id, facility, item, lb, day):
    return AllocationRequest(
        source_id=source_id, facility=facility, item=item, quantity_lb=Decimal(lb), delivery_date=net.day(day)
    )


def test_allocate_reserves_per_source_facility_and_later_checks_see_it(net):
    a, b = net.facility(), net.facility()
    x = net.item(price="8.00")
    net.stock(a, x, 600)
    net.stock(b, x, 1000)
    net.lane(b, a, lead=1, cost="0.25")
    (alloc,) = services.atp_allocate(lines=[line(net, 11, a, x, 1000, 3)])
    assert alloc.sources == {a.code: Decimal("600.00"), b.code: Decimal("400.00")}
    assert alloc.source_facility == b.code or alloc.source_facility == a.code
    reserved = Reservation.objects.filter(source_id=11, released_at__isnull=True)
    assert sorted((r.facility.code, r.quantity_lb) for r in reserved) == sorted(alloc.sources.items())
    assert {r.delivery_facility_id for r in reserved} == {a.id}
    check = services.atp_check(facility=a, item=x, quantity_lb=Decimal(1000), delivery_date=net.day(3))
    assert check.result == "partial" and check.available_lb == Decimal("600.00")
    assert services.atp_release(source_type="sales_order_line", source_ids=[11]) == 2
    check = services.atp_check(facility=a, item=x, quantity_lb=Decimal(1000), delivery_date=net.day(3))
    assert check.result == "feasible"


def test_lines_are_checked_together_and_a_shortage_reserves_nothing(net):
    a = net.facility()
    x, y = net.item(price="8.00"), net.item(price="6.00")
    net.stock(a, x, 500)
    net.stock(a, y, 500)
    lines = [line(net, 21, a, x, 300, 2), line(net, 22, a, y, 200, 2), line(net, 23, a, x, 300, 4)]
    with pytest.raises(AtpShortage) as exc:
        services.atp_allocate(lines=lines)
    answers = {row["source_id"]: row for row in exc.value.context["lines"]}
    assert answers[21]["available_lb"] == Decimal("300")
    assert answers[23]["available_lb"] == Decimal("200.00")  # after line 21 took 300 of the 500
    assert answers[23]["source_facility"] == a.code
    assert not Reservation.objects.filter(source_id__in=[21, 22, 23]).exists()
    allocations = services.atp_allocate(lines=lines[:2])
    assert [al.source_id for al in allocations] == [21, 22]


def test_allocate_refuses_bad_lines_naming_them(net):
    a = net.facility()
    x = net.item(price="8.00")
    from cashsheet.api.exceptions import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        services.atp_allocate(lines=[line(net, 1, a, x, 10, 1), line(net, 2, a, x, 0, 1)])
    assert exc.value.field == "lines.1.quantity_lb"


def test_two_concurrent_confirmations_for_the_last_pounds_exactly_one_wins(live_net, committed):
    a = live_net.facility()
    x = live_net.item(price="8.00")
    live_net.stock(a, x, 100)
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def confirm(source_id: int) -> None:
        connection.set_tenant(committed)
        try:
            barrier.wait(5)
            with transaction.atomic():
                services.atp_allocate(lines=[line(live_net, source_id, a, x, 80, 2)])
            outcomes[source_id] = "reserved"
        except AtpShortage:
            outcomes[source_id] = "shortage"
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(sid,)) for sid in (901, 902)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values()) == ["reserved", "shortage"]
    reserved = Reservation.objects.filter(item=x, released_at__isnull=True)
    assert [r.quantity_lb for r in reserved] == [Decimal("80.00")]


def test_inactive_item_or_facility_is_refused_by_name(net):
    from cashsheet.api.exceptions import InvalidInput

    a = net.facility()
    x = net.item(price="8.00")
    net.stock(a, x, 100)
    x.active = False
    x.save()
    with pytest.raises(InvalidInput) as exc:
        services.atp_allocate(lines=[line(net, 1, a, x, 10, 1)])
    assert exc.value.field == "lines.0.imps_code"
    with pytest.raises(InvalidInput) as exc:
        services.atp_check(facility=a, item=x, quantity_lb=Decimal(10), delivery_date=net.day(1))
    assert exc.value.field == "imps_code"
