"""Property test: any sequence of dated receipts and shipments keeps the kept tables exact.

A plain Python model replays the accepted movements; the service must accept exactly the ones
that keep every day's closing >= 0, and the day table and balance must equal the model. Everything
goes through one lot, so the lot's and the pair's days are the same (test_lot_properties mixes lots).
"""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cashsheet.testing import unique
from inventory import selectors, services
from inventory.models import StockBalance
from inventory.services.rebuild import stock_rebuild

START = date(2026, 3, 1)
operations = st.lists(
    st.tuples(
        st.sampled_from(["receipt", "shipment", "shipment"]),
        st.integers(min_value=1, max_value=400),
        st.integers(min_value=0, max_value=6),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_random_movements_never_go_negative_and_tables_match_a_replay(silo, blythe, ops):
    item = services.item_create(imps_code=unique("P"), description="Property item", category="trim")
    lot = services.lot_create(item=item, facility=blythe, code="ONE", origin="receipt", pack_date=START)
    accepted: list[tuple[date, Decimal]] = []
    for kind, lb, offset in ops:
        day, qty = START + timedelta(days=offset), Decimal(lb)
        signed = qty if kind == "receipt" else -qty
        # The model: accept iff every closing on or after `day` stays >= 0.
        fits = all(
            sum((q for d, q in accepted if d <= probe), Decimal(0)) + signed >= 0
            for probe in [day] + sorted({d for d, _ in accepted if d > day})
        )
        try:
            services.stock_movement_post(
                facility=blythe,
                item=item,
                kind=kind,
                quantity_lb=qty,
                effective_date=day,
                unit_cost_per_lb=Decimal("2.5000") if kind == "receipt" else None,
                lot=lot,
            )
            assert fits, (kind, lb, day)
            accepted.append((day, signed))
        except services.InsufficientStock as exc:
            assert not fits, (kind, lb, day)
            assert Decimal(exc.context["shortfall_lb"]) > 0
    for offset in range(8):
        probe = START + timedelta(days=offset)
        expected = sum((q for d, q in accepted if d <= probe), Decimal(0))
        assert selectors.stock_on_hand(facility=blythe, item=item, as_of=probe) == expected
    total = sum((q for _, q in accepted), Decimal(0))
    balance = StockBalance.objects.filter(facility=blythe, item=item).first()
    assert (balance.on_hand_lb if balance else Decimal(0)) == total
    assert balance is None or balance.value >= 0
    assert stock_rebuild(fix=False) == []
