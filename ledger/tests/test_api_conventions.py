"""What every ledger resource shares: list envelope, updated_since, search, ordering, permissions, schema."""

import pytest

RESOURCES = ["accounts", "periods", "journal-entries", "invoices", "bills", "receipts", "payments"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_lists_have_the_envelope_and_the_shared_filters(api, resource):
    r = api.get(f"/api/v2/{resource}/", {"updated_since": "2020-01-01T00:00:00Z", "search": "a", "ordering": "-id"})
    assert r.status_code == 200, r.content
    # With updated_since the envelope also says what to send as the next one (cashsheet/api/pagination.py).
    assert set(r.json()) == {"count", "next", "previous", "results", "next_updated_since"}
    assert api.get(f"/api/v2/{resource}/", {"ordering": "colour"}).json()["errors"][0]["field"] == "ordering"
    assert api.get(f"/api/v2/{resource}/", {"updated_since": "soon"}).status_code == 400
    assert api.put(f"/api/v2/{resource}/1/", {}, format="json").status_code in (404, 405)


def test_account_list_search_ordering_and_filters(api):
    r = api.get("/api/v2/accounts/", {"search": "receivable"}).json()
    assert [a["code"] for a in r["results"]] == ["1100"]
    assert api.get("/api/v2/accounts/", {"role": "cash"}).json()["results"][0]["code"] == "1010"
    codes = [a["code"] for a in api.get("/api/v2/accounts/", {"ordering": "-code", "page_size": 3}).json()["results"]]
    assert codes == sorted(codes, reverse=True)
    first = api.get("/api/v2/accounts/", {"code": "1010"}).json()["results"][0]
    assert set(first) == {"id", "code", "name", "type", "normal_balance", "parent", "role", "active", "created_at",
                          "updated_at"}  # fmt: skip


def test_unknown_fields_and_bad_json_are_400_not_500(api, customer):
    r = api.post("/api/v2/invoices/", {"customer": customer.pk, "invoice_date": "2026-03-01", "lines": [],
                                        "discount": "5%"}, format="json")  # fmt: skip
    assert r.status_code == 400 and "discount" in {e["field"] for e in r.json()["errors"]}
    r = api.post("/api/v2/invoices/", "{not json", content_type="application/json")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    r = api.post("/api/v2/invoices/", {"customer": customer.pk, "invoice_date": "2026-03-01", "lines": []},
                 format="json")  # fmt: skip
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "lines"
    r = api.post("/api/v2/receipts/", {"customer": 999999, "date": "x", "amount": "abc", "method": "barter"},
                 format="json")  # fmt: skip
    assert {e["field"] for e in r.json()["errors"]} >= {"customer", "date", "amount", "method"}


def test_permissions_follow_the_model_permissions(silo, make_user, client_for, customer):
    reader = client_for(make_user("ledger.view_invoice", "ledger.view_journalentry"))
    assert reader.get("/api/v2/invoices/").status_code == 200
    body = {"customer": customer.pk, "invoice_date": "2026-03-01", "lines": [{"description": "x", "amount": "1.00"}]}
    assert reader.post("/api/v2/invoices/", body, format="json").status_code == 403
    assert reader.get("/api/v2/receipts/").status_code == 403
    assert reader.post("/api/v2/journal-entries/1/reverse/").status_code == 403
    nobody = client_for(make_user())
    assert nobody.get("/api/v2/accounts/").status_code == 403
    from rest_framework.test import APIClient

    assert APIClient(HTTP_HOST=silo.host).get("/api/v2/accounts/").status_code == 401


def test_openapi_schema_documents_the_ledger(api):
    r = api.get("/api/v2/openapi.json")
    assert r.status_code == 200, r.content[:500]
    paths = r.json()["paths"]
    for path in ["/api/v2/invoices/", "/api/v2/journal-entries/{id}/reverse/", "/api/v2/reports/{name}/",
                 "/api/v2/periods/{id}/close/"]:  # fmt: skip
        assert path in paths, sorted(paths)
    create = paths["/api/v2/invoices/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["examples"]


def test_out_of_range_input_is_a_400_not_a_500(api, customer, roles):
    huge = 10**20
    body = {
        "entry_date": "2026-03-02",
        "lines": [
            {"account": huge, "debit": "1.00"},
            {"account": roles["cash"].pk, "credit": "1.00", "customer": huge},
        ],
    }
    assert api.post("/api/v2/journal-entries/", body, format="json").status_code == 400
    inv = {"customer": customer.pk, "invoice_date": "9999-12-31", "lines": [{"description": "x", "amount": "1.00"}]}
    assert api.post("/api/v2/invoices/", inv, format="json").status_code == 400
    inv = {
        "customer": customer.pk,
        "invoice_date": "2026-03-02",
        "lines": [{"description": "x", "quantity_lb": "9999999999.99", "price_per_lb": "99999999.9999"}],
    }
    r = api.post("/api/v2/invoices/", inv, format="json")
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "lines.0.amount"
    inv = {"customer": huge, "invoice_date": "2026-03-02", "sales_order_id": huge, "lines": []}
    assert api.post("/api/v2/invoices/", inv, format="json").status_code == 400
    assert api.get("/api/v2/reports/general-ledger/", {"account": str(huge)}).status_code == 400
    assert api.get(f"/api/v2/invoices/{huge}/").status_code == 404
    rec = {
        "customer": customer.pk,
        "date": "2026-03-02",
        "amount": "5.00",
        "method": "ach",
        "applications": [{"invoice": huge, "amount": "1.00"}],
    }
    assert api.post("/api/v2/receipts/", rec, format="json").status_code == 400


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/api/v2/journal-entries/", {"entry_date": "2026-03-02", "lines": "abc"}),
        ("post", "/api/v2/journal-entries/", [1, 2]),
        ("post", "/api/v2/journal-entries/", {"entry_date": "2026-03-02", "lines": [None, 5]}),
        ("post", "/api/v2/invoices/", {"customer": "x", "invoice_date": None, "lines": [{"quantity_lb": "10"}]}),
        ("post", "/api/v2/bills/", {"vendor": 1, "bill_date": "2026-03-02", "lines": [{"amount": "NaN"}]}),
        ("post", "/api/v2/receipts/", {"customer": 1, "date": "2026-03-02", "amount": "1e400", "method": "ach"}),
        ("post", "/api/v2/receipts/", {"customer": 1, "date": "2026-03-02", "amount": "5", "method": "ach",
                                       "applications": [{}]}),
        ("post", "/api/v2/periods/", {"name": "x", "start_date": "2026-03-31", "end_date": "2026-03-01"}),
        ("post", "/api/v2/accounts/", {"code": " ", "name": "x", "type": "asset", "role": "cash"}),
        ("patch", "/api/v2/accounts/1/", {"parent": 1}),
        ("patch", "/api/v2/accounts/1/", {"role": "nonsense"}),
    ],
)  # fmt: skip
def test_odd_payloads_answer_4xx_json(api, method, path, body):
    r = getattr(api, method)(path, body, format="json")
    assert 400 <= r.status_code < 500, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/json") and r.json()["status"] == r.status_code
