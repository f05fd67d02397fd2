"""Invoice and bill payloads: the events carry what GET returns and what the schema's serializers describe."""

from cashsheet.testing.api import assert_renders_as_serializer
from ledger import selectors
from ledger.api.serializers import BillSerializer, InvoiceSerializer
from ledger.payloads import bill_payload, invoice_payload
from webhooks.models import Event


def test_invoice_and_bill_payloads(api, customer, vendor, item, roles):
    lines = [
        {"item": item.pk, "description": "112A", "quantity_lb": "250.50", "price_per_lb": "14.2000"},
        {"description": "Freight", "amount": "185.00"},
    ]
    body = {"customer": customer.pk, "invoice_date": "2026-03-02", "status": "posted", "lines": lines}
    invoice_id = api.post("/api/v2/invoices/", body, format="json").json()["id"]
    invoice = selectors.invoice_list().get(pk=invoice_id)
    assert_renders_as_serializer(InvoiceSerializer, invoice, invoice_payload(invoice))
    posted = Event.objects.get(type="invoice.posted", data__object__id=invoice_id).data["object"]
    assert posted == api.get(f"/api/v2/invoices/{invoice_id}/").json()

    bill_body = {"vendor": vendor.pk, "bill_date": "2026-03-02", "status": "posted", "lines": [lines[0]]}
    bill_id = api.post("/api/v2/bills/", bill_body, format="json").json()["id"]
    bill = selectors.bill_list().get(pk=bill_id)
    assert_renders_as_serializer(BillSerializer, bill, bill_payload(bill))
    assert Event.objects.get(type="bill.posted").data["object"] == api.get(f"/api/v2/bills/{bill_id}/").json()

    paid = {"customer": customer.pk, "date": "2026-03-09", "amount": posted["total"], "method": "ach",
            "applications": [{"invoice": invoice_id, "amount": posted["total"]}]}  # fmt: skip
    assert api.post("/api/v2/receipts/", paid, format="json").status_code == 201
    event = Event.objects.get(type="invoice.paid").data["object"]
    assert event == api.get(f"/api/v2/invoices/{invoice_id}/").json() and event["status"] == "paid"
