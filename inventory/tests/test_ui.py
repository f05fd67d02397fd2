"""Inventory in the silo UI: master data lists and forms, stock on hand, movements, posting a receipt and an
adjustment through stock_post (refusals beside the field), and the API's permissions."""

from datetime import date

import pytest

from cashsheet.testing import unique
from cashsheet.testing.ui import page_queries, text, ui_client
from inventory.models import Item, StockMovement

PAGES = ["/items/", "/facilities/", "/transfer-lanes/", "/cutting-patterns/", "/stock/", "/stock-movements/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_list_renders_for_a_superuser(silo, make_user, blythe, ribeye, receive, path):
    receive(blythe, ribeye, "100.00")
    page = ui_client(silo, make_user(superuser=True)).get(path)
    assert page.status_code == 200
    assert "<table>" in page.content.decode()


def test_item_create_with_a_form_error_then_success(silo, make_user):
    client = ui_client(silo, make_user("inventory.view_item", "inventory.add_item"))
    code = unique("9")
    bad = client.post("/items/new/", {"imps_code": code, "description": "", "species": "beef", "category": "primal",
                                      "list_price_per_lb": "-1", "standard_cost_per_lb": "1", "shelf_life_days": "35",
                                      "frozen_shelf_life_days": "365"})  # fmt: skip
    assert bad.status_code == 200
    html = bad.content.decode()
    assert 'id="id_description_error"' in html and f'value="{code}"' in html
    good = client.post("/items/new/", {"imps_code": code.lower(), "description": "Rib, primal", "species": "beef",
                                       "category": "primal", "list_price_per_lb": "9.5", "standard_cost_per_lb": "7",
                                       "shelf_life_days": "35", "frozen_shelf_life_days": "365"})  # fmt: skip
    item = Item.objects.get(imps_code=code.upper())
    assert good.status_code == 302 and good["Location"] == f"/items/{item.pk}/"


def test_item_code_frozen_after_stock_moved_is_shown_beside_the_field(silo, make_user, blythe, ribeye, receive):
    receive(blythe, ribeye, "10.00")
    client = ui_client(silo, make_user("inventory.view_item", "inventory.change_item"))
    data = {"imps_code": "112B", "description": ribeye.description, "species": "beef", "category": "subprimal",
            "list_price_per_lb": "14.2", "standard_cost_per_lb": "10", "shelf_life_days": "40",
            "frozen_shelf_life_days": "365"}  # fmt: skip
    response = client.post(f"/items/{ribeye.pk}/edit/", data)
    assert response.status_code == 200
    assert "cannot change: stock of it has moved" in response.content.decode()
    assert 'id="id_imps_code_error"' in response.content.decode()


def test_stock_on_hand_by_facility_and_item(silo, make_user, blythe, denver, ribeye, receive):
    receive(blythe, ribeye, "250.00", on=date(2026, 3, 1))
    receive(denver, ribeye, "40.00", on=date(2026, 3, 2))
    client = ui_client(silo, make_user("inventory.view_stockbalance"))
    body = text(client.get("/stock/", {"as_of": "2026-03-01"}))
    assert "BLYTHE 250.00" in body and "DENVER" not in body.split("By facility and item")[0]
    body = text(client.get("/stock/", {"facility": "DENVER"}))
    assert "40.00" in body and "250.00" not in body.split("By facility and item")[1]
    assert "Post receipt" not in body  # no add_stockmovement


def test_stock_list_queries_do_not_grow_with_rows(silo, make_user, blythe, make_item, receive):
    client = ui_client(silo, make_user(superuser=True))

    def count() -> int:
        return page_queries(client, "/stock/", None)

    receive(blythe, make_item(), "1.00")
    count()  # the first request of a process fills its caches (content types, filter forms)
    one = count()
    for _ in range(8):
        receive(blythe, make_item(), "1.00")
    assert count() == one


def test_post_receipt_then_adjustment_refused_beside_the_field(silo, make_user, blythe, ribeye):
    client = ui_client(silo, make_user("inventory.view_stockmovement", "inventory.add_stockmovement"))
    lot = unique("L")
    response = client.post("/stock/post/", {"kind": "receipt", "facility": blythe.pk, "item": ribeye.pk,
                                            "quantity_lb": "120.50", "effective_date": "2026-03-01",
                                            "unit_cost_per_lb": "9.10", "lot_code": lot})  # fmt: skip
    movement = StockMovement.objects.get(lot__code=lot)
    assert response.status_code == 302 and response["Location"] == f"/stock-movements/{movement.pk}/"
    assert "Receipt posted: 120.50 lb of 112A at BLYTHE" in text(client.get(response["Location"]))
    too_much = client.post("/stock/post/", {"kind": "adjustment_out", "facility": blythe.pk, "item": ribeye.pk,
                                            "quantity_lb": "500", "effective_date": "2026-03-02",
                                            "lot_code": lot})  # fmt: skip
    assert too_much.status_code == 200
    assert 'class="error' in too_much.content.decode() and "120.50" in text(too_much)
    assert StockMovement.objects.filter(lot__code=lot).count() == 1
    listing = text(client.get("/stock-movements/", {"search": lot}))
    assert "1 stock movement" in listing and "120.50" in listing


def test_reader_sees_no_post_and_gets_403(silo, make_user, blythe, ribeye):
    client = ui_client(silo, make_user("inventory.view_stockmovement", "inventory.view_stockbalance"))
    assert "Post receipt" not in text(client.get("/stock/"))
    assert client.get("/stock/post/").status_code == 403
    data = {"kind": "receipt", "facility": blythe.pk, "item": ribeye.pk, "quantity_lb": "1",
            "effective_date": "2026-03-01"}  # fmt: skip
    assert client.post("/stock/post/", data).status_code == 403
    assert not StockMovement.objects.filter(item=ribeye).exists()
