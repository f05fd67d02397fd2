def test_customer_list(api):
    r = api.get("/api/v2/customers/")
    assert r.status_code == 200, r.content
    assert r.json() == {"count": 0, "next": None, "previous": None, "results": []}
