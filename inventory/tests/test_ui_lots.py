"""Cutting patterns with their outputs, lots (hold, release, trace and recall links) and stock by lot in the
silo UI: the API's services, errors beside the field, fixed queries per list."""

from datetime import date
from decimal import Decimal

import pytest

from cashsheet.testing import unique
from cashsheet.testing.ui import page_queries, text, ui_client
from inventory.models import CuttingPattern, Lot


def _outputs(*rows) -> dict:
    data = {"outputs-TOTAL_FORMS": str(len(rows) + 1), "outputs-INITIAL_FORMS": "0", "outputs-MIN_NUM_FORMS": "0",
            "outputs-MAX_NUM_FORMS": "40"}  # fmt: skip
    for i, (code, fraction) in enumerate(rows):
        data[f"outputs-{i}-item"], data[f"outputs-{i}-yield_fraction"] = code, fraction
    return data


@pytest.fixture
def carcass(make_item):
    from inventory.models import Category

    return make_item(unique("101"), description="Side", category=Category.CARCASS)


def test_a_pattern_created_with_outputs_then_edited_and_its_yield_sum_checked(silo, make_user, blythe, carcass,
                                                                             ribeye, make_item):  # fmt: skip
    chuck = make_item(unique("113"), description="Chuck")
    client = ui_client(silo, make_user(superuser=True))
    code = unique("PAT")
    base = {"code": code, "name": "Side to cuts", "input_item": carcass.imps_code, "process": "breaking",
            "lead_time_days": "1", "processing_cost_per_lb": "0.25", "facilities": [blythe.pk]}  # fmt: skip
    over = client.post(
        "/cutting-patterns/new/", {**base, **_outputs((ribeye.imps_code, "0.6"), (chuck.imps_code, "0.5"))}
    )
    html = over.content.decode()
    assert over.status_code == 200 and "may not exceed 1" in html and 'id="yield-total">1.1' in html
    assert f'value="{code}"' in html and not CuttingPattern.objects.filter(code=code.upper()).exists()
    twice = client.post(
        "/cutting-patterns/new/", {**base, **_outputs((ribeye.imps_code, "0.2"), (ribeye.imps_code, "0.2"))}
    )
    assert 'id="id_outputs-1-item_error"' in twice.content.decode()
    made = client.post(
        "/cutting-patterns/new/", {**base, **_outputs((ribeye.imps_code, "0.3"), (chuck.imps_code, "0.25"))}
    )
    pattern = CuttingPattern.objects.get(code=code.upper())
    assert made.status_code == 302 and made["Location"] == f"/cutting-patterns/{pattern.pk}/"
    assert {o.item.imps_code: o.yield_fraction for o in pattern.outputs.all()} == {
        ribeye.imps_code: Decimal("0.3"),
        chuck.imps_code: Decimal("0.25"),
    }
    detail = text(client.get(made["Location"]))
    assert "Total yield 0.55" in detail and "Edit" in detail
    edit = client.get(f"/cutting-patterns/{pattern.pk}/edit/").content.decode()
    assert f'value="{carcass.imps_code}"' in edit and 'value="0.30000"' in edit
    client.post(f"/cutting-patterns/{pattern.pk}/edit/", {**base, **_outputs((ribeye.imps_code, "0.7"))})
    assert [o.yield_fraction for o in pattern.outputs.all()] == [Decimal("0.7")]
    client.post(f"/cutting-patterns/{pattern.pk}/active/", {"active": "false"})
    pattern.refresh_from_db()
    assert pattern.active is False


def test_a_pattern_reader_gets_no_new_button_and_403(silo, make_user, carcass):
    client = ui_client(silo, make_user("inventory.view_cuttingpattern"))
    assert "New cutting pattern" not in text(client.get("/cutting-patterns/"))
    assert client.post("/cutting-patterns/new/", {"code": "X"}).status_code == 403


def test_lots_hold_release_and_link_to_trace_and_recall(silo, make_user, blythe, ribeye, receive):
    receive(blythe, ribeye, "120.00", lot_code="L-UI-1")
    lot = Lot.objects.get(code="L-UI-1")
    client = ui_client(silo, make_user(superuser=True))
    listing = text(client.get("/lots/", {"search": "L-UI-1"}))
    assert "L-UI-1" in listing and "120.00" in listing
    detail = client.get(f"/lots/{lot.pk}/").content.decode()
    assert (
        f"/reports/trace/?lot={lot.pk}&amp;direction=forward" in detail and f"/reports/recall/?lot={lot.pk}" in detail
    )
    assert client.post(f"/lots/{lot.pk}/hold/", {"reason": ""}).status_code == 302
    lot.refresh_from_db()
    assert not lot.on_hold
    client.post(f"/lots/{lot.pk}/hold/", {"reason": "Retest pending"})
    lot.refresh_from_db()
    assert lot.on_hold and lot.hold_reason == "Retest pending"
    assert "on hold" in text(client.get("/stock/lots/", {"search": "L-UI-1"}))
    client.post(f"/lots/{lot.pk}/release/", {"reason": "Negative"})
    lot.refresh_from_db()
    assert not lot.on_hold
    assert "Negative" in text(client.get(f"/lots/{lot.pk}/"))
    assert client.get("/reports/trace/", {"lot": lot.pk}).status_code == 200
    assert client.get("/reports/recall/", {"lot": lot.pk}).status_code == 200
    reader = ui_client(silo, make_user("inventory.view_lot"))
    assert f"/lots/{lot.pk}/hold/" not in reader.get(f"/lots/{lot.pk}/").content.decode()
    assert reader.post(f"/lots/{lot.pk}/hold/", {"reason": "x"}).status_code == 403


def test_stock_by_lot_values_and_fixed_queries(silo, make_user, blythe, ribeye, make_item, receive):
    receive(blythe, ribeye, "100.00", lot_code="L-UI-A", on=date(2026, 3, 1), cost="10.0000")
    receive(blythe, ribeye, "50.00", lot_code="L-UI-B", on=date(2026, 3, 2), cost="13.0000")
    client = ui_client(silo, make_user("inventory.view_stockbalance"))
    body = text(client.get("/stock/lots/", {"imps_code": ribeye.imps_code}))
    assert "L-UI-A" in body and "L-UI-B" in body and "100.00" in body and "50.00" in body
    assert "1,100.00" in body and "550.00" in body  # each lot at the pair's average cost, $11/lb
    early = text(client.get("/stock/lots/", {"imps_code": ribeye.imps_code, "as_of": "2026-03-01"}))
    assert "L-UI-A" in early and "L-UI-B" not in early

    def count() -> int:
        return page_queries(client, "/stock/lots/", None)

    count()
    one = count()
    for _ in range(6):
        receive(blythe, make_item(), "1.00")
    assert count() == one
