"""Completing a production order runs a fixed number of statements, whatever its number of outputs: the
per-output writes (lots, lot balances, movements, day rows, edges, output rows) are batched."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import services as inventory
from operations.services.perpetual import stock_post_valued
from operations.services.production import production_order_complete, production_order_create

D = Decimal


def _run(make_item, plant, today, outputs: int) -> CaptureQueriesContext:
    primal = make_item("IN", category="primal", price="4.0000", cost="3.0000")
    outs = [make_item(f"O{n}", price=f"{3 + n}.0000", cost="2.0000") for n in range(outputs)]
    pattern = inventory.cutting_pattern_create(
        code=f"Q-{outputs}-{primal.pk}", name="q", input_item=primal, processing_cost_per_lb=D("0.3000"),
        facilities=[plant], outputs=[{"item": o, "yield_fraction": D("0.04")} for o in outs],
    )  # fmt: skip
    [receipt] = stock_post_valued(facility=plant, item=primal, kind="receipt", quantity_lb=D("2000"),
                                  effective_date=today, unit_cost_per_lb=D("3.1000"))  # fmt: skip
    order = production_order_create(
        pattern=pattern, facility=plant, production_date=today, planned_input_lb=D("1000"),
        inputs=[{"lot": receipt.lot, "quantity_lb": D("1000")}],
    )  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        production_order_complete(order=order, outputs=[{"item": o, "actual_lb": D("39.5")} for o in outs])
    return captured


# Counted on PostgreSQL with no webhook endpoint: the order's lock and reads, the input's locks and movement,
# one statement each for the new lots, lot days, lot balances, movements, stock days, stock balances and edges,
# the journal entry, the order's rows, the event. Savepoints of the nested atomic blocks count too.
MAX_STATEMENTS = 45


@pytest.mark.parametrize("outputs", [2, 10, 20])
def test_completion_runs_a_fixed_number_of_statements(make_item, plant, today, outputs):
    captured = _run(make_item, plant, today, outputs)
    assert len(captured.captured_queries) <= MAX_STATEMENTS, "\n".join(q["sql"][:120] for q in captured)


def test_completion_statements_do_not_grow_with_outputs(make_item, plant, today):
    assert len(_run(make_item, plant, today, 2).captured_queries) == len(_run(make_item, plant, today, 20))
