"""Nothing a silo UI form posts answers 500 (issue 15/16 "bad input"): every form and action of the UI gets
empty, oversized, NUL-laden, negative, malformed-date and broken-formset posts, as a silo admin (so each
reaches its validation, not a 403), and must answer a page (200, 302) or a refusal (400, 403, 404, 405)."""

import pytest
from django.urls import reverse

from cashsheet.testing.ui import ui_client
from tests.test_ui_query_counts import _grow, base  # noqa: F401 - a world of one row of every kind

JUNK = [
    {},
    {"name": "x" * 5000, "code": "x" * 5000, "amount": "1e999", "date": "2026-02-30", "quantity_lb": "-1"},
    {"name": "a\x00b", "code": "c\x00", "memo": "\x00", "reason": "\x00", "url": "http://\x00/"},
    {"customer": "NaN", "vendor": "-1", "pattern": "abc", "facility": "9999999999999999999", "lane": "[]"},
    {"lines-TOTAL_FORMS": "abc", "outputs-TOTAL_FORMS": "99999", "lines-INITIAL_FORMS": "-5",
     "lines-0-amount": "Infinity", "lines-0-account": "x", "outputs-0-yield_fraction": "NaN"},
    {"action": "fill", "amount": "--1", "apply_1": "1e5", "expiry": "date", "expires_on": "0000-00-00",
     "password": "\x00", "solver": "\x00", "active": "maybe", "received_date": "99999-01-01"},
]  # fmt: skip


def _targets(silo) -> list[str]:
    from atp.models import LpRun
    from inventory.models import CuttingPattern, Lot, ProductionOrder, TransferOrder
    from ledger.models import Bill, Invoice, JournalEntry, Period
    from parties.models import Customer, Vendor
    from sales.models import SalesOrder
    from webhooks.models import WebhookEndpoint

    def last(model):
        return model.objects.order_by("-pk").values_list("pk", flat=True).first()

    urls = [
        "/profile/tokens/", "/profile/password/", "/settings/users/new/", "/settings/groups/new/",
        "/settings/webhooks/new/", "/customers/new/", "/vendors/new/", "/items/new/", "/facilities/new/",
        "/transfer-lanes/new/", "/cutting-patterns/new/", "/stock/post/", "/sales-orders/new/", "/atp/",
        "/atp/line-quote/", "/invoices/new/", "/bills/new/", "/receipts/new/", "/payments/new/",
        "/journal-entries/new/", "/periods/new/", "/production-orders/new/", "/transfer-orders/new/",
        "/lp-runs/start/",
    ]  # fmt: skip
    pk = {m: last(m) for m in (Customer, Vendor, CuttingPattern, Lot, ProductionOrder, TransferOrder, Invoice,
                               Bill, JournalEntry, Period, SalesOrder, WebhookEndpoint, LpRun)}  # fmt: skip
    urls += [
        f"/customers/{pk[Customer]}/edit/", f"/customers/{pk[Customer]}/active/", f"/vendors/{pk[Vendor]}/edit/",
        f"/cutting-patterns/{pk[CuttingPattern]}/edit/", f"/lots/{pk[Lot]}/hold/", f"/lots/{pk[Lot]}/release/",
        f"/production-orders/{pk[ProductionOrder]}/complete/", f"/production-orders/{pk[ProductionOrder]}/release/",
        f"/transfer-orders/{pk[TransferOrder]}/ship/", f"/transfer-orders/{pk[TransferOrder]}/receive/",
        f"/invoices/{pk[Invoice]}/edit/", f"/invoices/{pk[Invoice]}/post/", f"/bills/{pk[Bill]}/edit/",
        f"/journal-entries/{pk[JournalEntry]}/reverse/", f"/periods/{pk[Period]}/close/",
        f"/sales-orders/{pk[SalesOrder]}/confirm/", f"/sales-orders/{pk[SalesOrder]}/ship/",
        f"/settings/webhooks/{pk[WebhookEndpoint]}/", f"/lp-runs/{pk[LpRun]}/apply/",
        reverse("ui-report", args=["ar-aging"]),
    ]  # fmt: skip
    return urls


def test_no_form_answers_500_to_bad_input(silo, make_user, base, settings):  # noqa: F811
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    _grow(1, base)
    client = ui_client(silo, make_user(superuser=True))
    client.raise_request_exception = False
    failures = []
    for url in _targets(silo):
        for n, body in enumerate(JUNK):
            response = client.post(url, body)
            if response.status_code not in (200, 302, 400, 403, 404, 405):
                failures.append((url, n, response.status_code))
    assert not failures, failures


@pytest.mark.parametrize("path", ["/invoices/new/", "/production-orders/new/", "/cutting-patterns/new/"])
def test_csrf_is_required_on_the_new_forms(silo, make_user, path):
    from django.test import Client

    client = Client(HTTP_HOST=silo.host, enforce_csrf_checks=True)
    client.force_login(make_user(superuser=True))
    assert client.post(path, {}).status_code == 403
