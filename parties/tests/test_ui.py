"""Customers and vendors in the silo UI: lists (search, filter, order, page, fixed queries), forms calling the
services (errors beside the field), and the API's permissions (no button, 403 on the POST)."""

from decimal import Decimal

import pytest

from cashsheet.testing import unique
from cashsheet.testing.ui import page_queries, text, ui_client
from parties import services
from parties.models import Customer

ALL = ("parties.view_customer", "parties.add_customer", "parties.change_customer")


def test_list_searches_filters_orders_and_pages(silo, make_user):
    tag = unique("S")
    for n in range(3):
        services.customer_create(code=f"{tag}-{n}", name=f"Shop {tag} {n}", active=n != 1)
    client = ui_client(silo, make_user("parties.view_customer"))
    page = client.get("/customers/", {"search": tag, "ordering": "-code"})
    assert page.status_code == 200
    body = text(page)
    assert "3 customers" in body
    assert body.index(f"{tag}-2") < body.index(f"{tag}-0")  # newest code first
    only_active = text(client.get("/customers/", {"search": tag, "active": "true"}))
    assert "2 customers" in only_active and f"{tag}-1" not in only_active
    # htmx asks for the table alone
    partial = client.get("/customers/", {"search": tag}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="list-panel">') and "<nav" not in partial


def test_list_queries_do_not_grow_with_the_page(silo, make_user):
    client = ui_client(silo, make_user("parties.view_customer"))
    tag = unique("Q")

    def count() -> int:
        return page_queries(client, "/customers/", {"search": tag})

    services.customer_create(code=f"{tag}-a", name="One")
    count()  # the first request of a process fills its caches
    one = count()
    for n in range(40):
        services.customer_create(code=f"{tag}-{n}", name=f"Many {n}")
    assert count() == one


def test_create_shows_a_service_refusal_beside_the_field_and_keeps_input(silo, make_user):
    code = unique("DUP")
    services.customer_create(code=code, name="First")
    client = ui_client(silo, make_user(*ALL))
    response = client.post("/customers/new/", {"code": code.lower(), "name": "Second", "payment_terms_days": "30",
                                               "credit_limit": "0"})  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert f"A customer with code &#x27;{code.lower()}&#x27; already exists." in html
    assert 'id="id_code_error"' in html and 'value="Second"' in html
    bad = client.post("/customers/new/", {"code": unique("C"), "name": "X", "payment_terms_days": "-3",
                                          "credit_limit": "abc"})  # fmt: skip
    assert bad.status_code == 200 and 'id="id_credit_limit_error"' in bad.content.decode()


def test_create_edit_deactivate(silo, make_user):
    client = ui_client(silo, make_user(*ALL))
    code = unique("NEW")
    response = client.post("/customers/new/", {"code": code, "name": "Acme", "payment_terms_days": "14",
                                               "credit_limit": "5000.00", "min_shelf_life_days": ""})  # fmt: skip
    customer = Customer.objects.get(code=code)
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    assert customer.credit_limit == Decimal("5000.00") and customer.min_shelf_life_days is None
    detail = text(client.get(response["Location"]))
    assert "Acme" in detail and "5,000.00" in detail and "Deactivate" in detail
    data = {"code": code, "name": "Acme Two", "payment_terms_days": "14", "credit_limit": "5000.00"}
    edited = client.post(f"/customers/{customer.pk}/edit/", data)
    assert edited.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "Acme Two"
    client.post(f"/customers/{customer.pk}/active/", {"active": "false"})
    customer.refresh_from_db()
    assert customer.active is False


@pytest.mark.parametrize("path", ["/customers/new/", "/vendors/new/"])
def test_a_reader_sees_no_write_button_and_gets_403_on_the_post(silo, make_user, path):
    customer = services.customer_create(code=unique("RO"), name="Read only")
    client = ui_client(silo, make_user("parties.view_customer", "parties.view_vendor"))
    listing = client.get(path.replace("new/", ""))
    assert listing.status_code == 200 and "/new/" not in listing.content.decode()
    assert "Edit" not in text(client.get(f"/customers/{customer.pk}/"))
    assert client.post(path, {"code": unique("X"), "name": "X"}).status_code == 403
    assert client.post(f"/customers/{customer.pk}/active/", {"active": "false"}).status_code == 403
    customer.refresh_from_db()
    assert customer.active


def test_a_user_without_view_gets_403(silo, make_user):
    assert ui_client(silo, make_user()).get("/vendors/").status_code == 403


def test_customer_addresses_are_edited_part_by_part(silo, make_user):
    customer = services.customer_create(code=unique("ADR"), name="Addressed", billing_address={"city": "Blythe"})
    client = ui_client(silo, make_user(*ALL))
    form = client.get(f"/customers/{customer.pk}/edit/").content.decode()
    assert "Billing address: City" in form and 'value="Blythe"' in form and "Shipping address: Line 1" in form
    base = {"code": customer.code, "name": "Addressed", "payment_terms_days": "30", "credit_limit": "0",
            "billing_address__city": "Blythe", "shipping_address__line1": "1 Dock Rd",
            "shipping_address__country": "usa"}  # fmt: skip
    bad = client.post(f"/customers/{customer.pk}/edit/", base).content.decode()
    assert 'id="id_shipping_address__country_error"' in bad and 'value="1 Dock Rd"' in bad
    saved = client.post(f"/customers/{customer.pk}/edit/", {**base, "shipping_address__country": "US"})
    assert saved.status_code == 302
    customer.refresh_from_db()
    assert customer.shipping_address == {"line1": "1 Dock Rd", "country": "US"}
    assert customer.billing_address == {"city": "Blythe"}
    assert "1 Dock Rd, US" in text(client.get(f"/customers/{customer.pk}/"))
    made = client.post("/customers/new/", {"code": unique("ADN"), "name": "New", "payment_terms_days": "30",
                                           "credit_limit": "0", "billing_address__postal_code": "92225"})  # fmt: skip
    assert made.status_code == 302
    assert Customer.objects.get(name="New", billing_address__postal_code="92225").shipping_address == {}


def test_vendor_address_edit(silo, make_user):
    from parties.models import Vendor

    vendor = services.vendor_create(code=unique("VAD"), name="Packer")
    client = ui_client(silo, make_user("parties.view_vendor", "parties.change_vendor"))
    body = {"code": vendor.code, "name": "Packer", "payment_terms_days": "30", "address__city": "Omaha"}
    assert client.post(f"/vendors/{vendor.pk}/edit/", body).status_code == 302
    assert Vendor.objects.get(pk=vendor.pk).address == {"city": "Omaha"}
