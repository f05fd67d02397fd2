"""Deterministic demo history for the ledger: about four months of posted invoices and bills, receipts and
payments (some invoices left overdue or part-paid), monthly overheads, so every report shows something.

Amounts and counterparties come from a seeded RNG; dates are relative to the first seeding day, so the
aging report always has current and overdue buckets. Uses the silo's existing customers and vendors
(through parties' selectors) and items (through the invoice line's foreign key); creates nothing in other
apps. Idempotent: a silo that already has demo history is left alone.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ledger import services
from ledger.models import Account, Invoice, InvoiceLine, Period
from ledger.references import referenced_model
from parties import selectors as parties

MARKER = "Demo history"
PRODUCTS = [  # (IMPS code, description, $/lb) used when the silo has no items yet
    ("112A", "Beef rib, ribeye, lip-on", "14.2000"),
    ("120", "Beef brisket, deckle-off, boneless", "4.8500"),
    ("180", "Beef loin, strip loin, boneless", "11.9000"),
    ("116A", "Beef chuck, chuck roll", "5.6500"),
    ("167A", "Beef round, knuckle, peeled", "5.2000"),
    ("189A", "Beef loin, tenderloin, full, PSMO", "19.7500"),
]


def _months_back(today: date, n: int) -> date:
    year, month = today.year, today.month - n
    while month <= 0:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def seed_ledger(silo) -> str:
    # A silo created before the ledger existed has no chart yet (silo_initialize runs at creation only).
    services.chart_install()
    if Invoice.objects.filter(memo=MARKER).exists():
        return "demo history already present"
    customers = list(parties.customer_list().order_by("code"))
    if not customers:
        return "no customers yet: skipped"
    vendors = list(parties.vendor_list().order_by("code"))
    # The catalogue's first items, if the inventory seed ran (reached through the line's own foreign key).
    items = list(referenced_model(InvoiceLine, "item").objects.order_by("imps_code")[:12])
    rng = random.Random(20260301)
    today = timezone.localdate()
    start = _months_back(today, 4)
    by_code = {a.code: a for a in Account.objects.all()}
    counts = {"invoices": 0, "bills": 0, "receipts": 0, "payments": 0, "entries": 0}
    with transaction.atomic():
        for n in range(4, -1, -1):
            first = _months_back(today, n)
            last = _months_back(today, n - 1) - timedelta(days=1) if n else first.replace(day=28)
            name = first.strftime("%Y-%m")
            if (
                not Period.objects.filter(name=name).exists()
                and not Period.objects.filter(start_date__lte=last, end_date__gte=first).exists()
            ):
                services.period_create(name=name, start_date=first, end_date=last)
        services.journal_entry_post(
            entry_date=start, memo="Opening capital", source="adjustment",
            lines=[{"account": by_code["1010"], "debit": Decimal("600000.00"), "memo": "Owner contribution"},
                   {"account": by_code["3000"], "credit": Decimal("600000.00")}],
        )  # fmt: skip
        counts["entries"] += 1
        day = start
        invoices: list = []
        bills: list = []
        while day <= today:
            if day.weekday() < 5:
                _sell(rng, day, customers, items, invoices, counts)
                if vendors and day.weekday() == 0:
                    _buy(rng, day, vendors, by_code, bills, counts)
                _collect(rng, day, today, invoices, bills, counts)
            if day.day == 28:
                _overheads(rng, day, by_code, counts)
            day += timedelta(days=1)
    return ", ".join(f"{v} {k}" for k, v in counts.items())


def _sell(rng, day, customers, items, invoices, counts) -> None:
    if rng.random() < 0.45:
        return
    customer = customers[rng.randrange(len(customers))]
    lines = []
    for _ in range(rng.randint(1, 4)):
        weight = Decimal(rng.randrange(40000, 400000)) / 100
        if items:
            item = items[rng.randrange(len(items))]
            price = item.list_price_per_lb if item.list_price_per_lb > 0 else Decimal("6.5000")
            lines.append({"item": item, "description": item.description, "quantity_lb": weight, "price_per_lb": price})
        else:
            code, name, price = PRODUCTS[rng.randrange(len(PRODUCTS))]
            lines.append({"description": f"{code} {name}", "quantity_lb": weight, "price_per_lb": Decimal(price)})
    if rng.random() < 0.3:
        lines.append({"description": "Freight, reefer LTL", "amount": Decimal(rng.randrange(9000, 45000)) / 100})
    invoice = services.invoice_create(customer=customer, invoice_date=day, lines=lines, memo=MARKER)
    invoices.append(services.invoice_post(invoice=invoice))
    counts["invoices"] += 1


def _buy(rng, day, vendors, by_code, bills, counts) -> None:
    vendor = vendors[rng.randrange(len(vendors))]
    weight = Decimal(rng.randrange(1500000, 4000000)) / 100
    lines = [
        {"description": "Choice steer carcasses, hot weight", "quantity_lb": weight,
         "price_per_lb": Decimal(rng.randrange(30500, 33500)) / 10000, "account": by_code["2020"]},
        {"description": "Boxes, liners and labels", "amount": Decimal(rng.randrange(80000, 260000)) / 100,
         "account": by_code["5300"]},
    ]  # fmt: skip
    bill = services.bill_create(vendor=vendor, bill_date=day, lines=lines, vendor_reference=f"V{day:%y%m%d}")
    bills.append(services.bill_post(bill=bill))
    counts["bills"] += 1


def _overheads(rng, day, by_code, counts) -> None:
    for code, memo, low, high in (
        ("5100", "Plant payroll and overhead", 3800000, 5200000),
        ("6100", "Electricity and refrigeration", 900000, 1500000),
        ("5000", "Cost of boxed product sold", 30000000, 40000000),
    ):
        amount = Decimal(rng.randrange(low, high)) / 100
        # The demo's history predates perpetual inventory: product bought (billed against GRNI) flows to
        # COGS periodically. Inventory (1200) moves only with stock movements.
        credit = by_code["2020"] if code == "5000" else by_code["1010"]
        services.journal_entry_post(
            entry_date=day, memo=memo, source="manual",
            lines=[{"account": by_code[code], "debit": amount}, {"account": credit, "credit": amount}],
        )  # fmt: skip
        counts["entries"] += 1


def _collect(rng, day, today, invoices, bills, counts) -> None:
    """Customers mostly pay on terms; a few pay part, a few are late (the overdue buckets)."""
    for invoice in list(invoices):
        if day < invoice.due_date - timedelta(days=3):
            continue
        invoices.remove(invoice)
        roll = rng.random()
        if roll < 0.08 or (today - invoice.due_date).days < 0:
            continue  # left overdue (or not due yet)
        pay = invoice.balance_due if roll > 0.18 else (invoice.balance_due / 2).quantize(Decimal("0.01"))
        extra = Decimal("250.00") if roll > 0.95 else Decimal("0.00")  # an overpayment left as credit
        services.receipt_create(
            customer=invoice.customer_id, date=day, amount=pay + extra, method=rng.choice(["ach", "check", "wire"]),
            reference=f"R{invoice.number[-4:]}", applications=[{"invoice": invoice, "amount": pay}],
        )  # fmt: skip
        counts["receipts"] += 1
    for bill in list(bills):
        if day < bill.due_date:
            continue
        bills.remove(bill)
        if rng.random() < 0.1:
            continue  # an unpaid bill for AP aging
        services.payment_create(
            vendor=bill.vendor_id, date=day, amount=bill.balance_due, method="ach", reference=f"P{bill.number[-4:]}",
            applications=[{"bill": bill, "amount": bill.balance_due}],
        )  # fmt: skip
        counts["payments"] += 1
