"""The AR cycle over real HTTP (gunicorn, 2 workers) as an integration would run it, ending in a CSV export."""

import csv
import io

import pytest

from ledger.tests.factories import make_customer

pytestmark = pytest.mark.live


def test_invoice_receipt_and_aging_csv_over_http(committed, live_http):
    customer = make_customer(payment_terms_days=10)
    r = live_http.post(
        "/api/v2/invoices/",
        json={"customer": customer.pk, "invoice_date": "2026-01-05", "status": "posted",
              "lines": [{"description": "180 Strip loin", "quantity_lb": "812.40", "price_per_lb": "11.9000"}]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    invoice = r.json()
    assert invoice["total"] == "9667.56" and invoice["status"] == "posted"
    r = live_http.post(
        "/api/v2/receipts/",
        json={"customer": customer.pk, "date": "2026-01-20", "amount": "5000.00", "method": "check",
              "reference": "4471", "applications": [{"invoice": invoice["id"], "amount": "5000.00"}]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    r = live_http.patch(f"/api/v2/invoices/{invoice['id']}/", json={"status": "void"})
    assert r.status_code == 409 and r.json()["current_status"] == "partially_paid"
    r = live_http.get("/api/v2/reports/ar-aging/", params={"as_of": "2026-02-20", "format": "csv"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = {row["customer"]: row for row in csv.DictReader(io.StringIO(r.text))}
    assert rows[str(customer.pk)]["days_31_60"] == "4667.56"  # due 15 Jan, 36 days late on 20 Feb
    r = live_http.get("/api/v2/reports/no-such-report/")
    assert r.status_code == 404 and "trial-balance" in r.json()["reports"]
