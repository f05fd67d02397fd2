"""Purchase price variance: a vendor bill line naming its goods receipt clears GRNI at the receipt's value and
puts the price difference to purchase price variance (5050); the stock and the inventory accounts do not move,
so books still equal stock. Hand figures in each test."""

from decimal import Decimal

from inventory.models import StockMovement
from ledger.models import Bill, BillLine, JournalEntry, JournalLine
from operations.tests.conftest import assert_reconciled

D = Decimal
BILLS = "/api/v2/bills/"


def balance(role, **dims):
    lines = JournalLine.objects.filter(account__role=role, **dims)
    return sum((line.debit - line.credit for line in lines), D("0.00"))


def receive(api, plant, item, vendor, lb, cost, on, code):
    body = {"facility": plant.pk, "item": item.pk, "kind": "receipt", "quantity_lb": lb, "unit_cost_per_lb": cost,
            "effective_date": str(on), "lot_code": code, "vendor": vendor.pk}  # fmt: skip
    r = api.post("/api/v2/stock-movements/", body, format="json")
    assert r.status_code == 201, r.content
    return r.json()["id"]


def bill(api, vendor, on, lines, status="posted"):
    body = {"vendor": vendor.pk, "bill_date": str(on), "status": status, "lines": lines}
    return api.post(BILLS, body, format="json")


def test_bill_above_the_receipt_debits_the_variance(api, plant, ribeye, vendor, yesterday):
    # Received 1,000 lb at $9.5000 = $9,500.00 (Dr Inventory, Cr GRNI); billed at $9.5600 = $9,560.00.
    receipt = receive(api, plant, ribeye, vendor, "1000", "9.5000", yesterday, "PPV-1")
    assert balance("purchases_clearing", vendor=vendor) == D("-9500.00")
    r = bill(api, vendor, yesterday, [{"item": ribeye.pk, "quantity_lb": "1000", "price_per_lb": "9.5600",
                                       "receipt": receipt, "description": "Ribeye"}])  # fmt: skip
    assert r.status_code == 201, r.content
    [line] = r.json()["lines"]
    assert (line["receipt"], line["receipt_value"], line["amount"]) == (receipt, "9500.00", "9560.00")
    entry = JournalEntry.objects.get(pk=r.json()["journal_entry"])
    sides = {(jl.account.role, jl.debit, jl.credit) for jl in entry.lines.select_related("account")}
    assert sides == {
        ("accounts_payable", D("0.00"), D("9560.00")),
        ("purchases_clearing", D("9500.00"), D("0.00")),
        ("purchase_price_variance", D("60.00"), D("0.00")),  # 1,000 × ($9.5600 - $9.5000)
    }
    assert balance("purchases_clearing", vendor=vendor) == D("0.00")  # GRNI cleared at the receipt value
    assert balance("purchase_price_variance") == D("60.00")
    assert balance("inventory", facility=plant) == D("9500.00")  # stock keeps its receipt cost
    assert_reconciled(plant)


def test_bill_below_the_receipt_credits_the_variance(api, plant, ribeye, vendor, yesterday):
    # Received 500 lb at $4.0000 = $2,000.00; the vendor bills 500 lb at $3.9000 = $1,950.00.
    receipt = receive(api, plant, ribeye, vendor, "500", "4.0000", yesterday, "PPV-2")
    r = bill(api, vendor, yesterday, [{"item": ribeye.pk, "quantity_lb": "500", "price_per_lb": "3.9000",
                                       "receipt": receipt}])  # fmt: skip
    assert r.status_code == 201, r.content
    assert balance("purchases_clearing", vendor=vendor) == D("0.00")
    assert balance("purchase_price_variance") == D("-50.00")  # a $50.00 credit
    assert balance("accounts_payable", vendor=vendor) == D("-1950.00")
    assert_reconciled(plant)


def test_a_receipt_is_billed_once(api, plant, ribeye, vendor, yesterday):
    receipt = receive(api, plant, ribeye, vendor, "100", "5.0000", yesterday, "PPV-3")
    line = {"item": ribeye.pk, "quantity_lb": "100", "price_per_lb": "5.1000", "receipt": receipt}
    assert bill(api, vendor, yesterday, [line]).status_code == 201
    entries, bills = JournalEntry.objects.count(), Bill.objects.count()
    draft = bill(api, vendor, yesterday, [line], status="draft")
    assert draft.status_code == 201, draft.content
    r = api.patch(f"{BILLS}{draft.json()['id']}/", {"status": "posted"}, format="json")
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "receipt_billed" and r.json()["errors"][0]["field"] == "lines.0.receipt"
    assert JournalEntry.objects.count() == entries and Bill.objects.count() == bills + 1
    assert Bill.objects.get(pk=draft.json()["id"]).status == "draft"
    assert balance("purchase_price_variance") == D("10.00")  # 100 × $0.10, once


def test_a_receipt_is_billed_by_its_own_vendor(api, plant, ribeye, vendor, yesterday):
    from parties.services import vendor_create

    receipt = receive(api, plant, ribeye, vendor, "100", "5.0000", yesterday, "PPV-5")
    other = vendor_create(code="OTHER-V", name="Other packer")
    line = {"item": ribeye.pk, "quantity_lb": "100", "price_per_lb": "5.0000", "receipt": receipt}
    r = bill(api, other, yesterday, [line])
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "lines.0.receipt", r.content
    assert not Bill.objects.exists()
    assert balance("purchases_clearing", vendor=vendor) == D("-500.00")  # still owed to the right vendor


def test_bad_receipt_references_are_400_naming_the_line(api, plant, ribeye, make_item, vendor, yesterday):
    receipt = receive(api, plant, ribeye, vendor, "100", "5.0000", yesterday, "PPV-4")
    other = make_item("OTHER")
    r = bill(
        api, vendor, yesterday, [{"item": other.pk, "quantity_lb": "100", "price_per_lb": "5", "receipt": receipt}]
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "lines.0.receipt", r.content
    lot = StockMovement.objects.get(pk=receipt).lot_id
    adjustment = api.post("/api/v2/stock-movements/", {
        "facility": plant.pk, "item": ribeye.pk, "kind": "adjustment", "quantity_lb": "10", "direction": -1,
        "effective_date": str(yesterday), "lot": lot}, format="json")  # fmt: skip
    assert adjustment.status_code == 201, adjustment.content
    r = bill(api, vendor, yesterday, [{"item": ribeye.pk, "amount": "1.00", "receipt": adjustment.json()["id"]}])
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "lines.0.receipt", r.content
    # Two lines of one bill naming one receipt would each clear its whole value from GRNI.
    half = {"item": ribeye.pk, "quantity_lb": "50", "price_per_lb": "5", "receipt": receipt}
    r = bill(api, vendor, yesterday, [half, half])
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "lines.1.receipt", r.content
    r = bill(api, vendor, yesterday, [{"item": ribeye.pk, "amount": "1.00", "receipt": 999999999}])
    assert r.status_code == 400 and r.json()["errors"][0]["field"].startswith("lines.0"), r.content
    assert not Bill.objects.exists() and not BillLine.objects.exists()
