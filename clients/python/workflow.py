"""An integration's workflow through the client openapi-python-client generated from the live document.

Run by tests/test_generated_clients.py in the tool venv (clients/.venv), with the generated package
`cashsheet_client` on sys.path:

    python clients/python/workflow.py BASE_URL SILO_HOST TOKEN PREFIX

Every answer is read as the generated client parses it (`.parsed`): a model of the documented type, or the
`Error` model for a documented error status. An undocumented status raises (`raise_on_unexpected_status`),
and a response field of the wrong type or enum raises while parsing, so a drift between the document and
the server fails here as it would in a customer's integration. Prints one JSON line of what it saw.
"""

from __future__ import annotations

import datetime
import json
import sys

from cashsheet_client import AuthenticatedClient
from cashsheet_client.api.atp import atp_check_create
from cashsheet_client.api.customers import customers_create, customers_partial_update, customers_retrieve
from cashsheet_client.api.facilities import facilities_create
from cashsheet_client.api.items import items_create
from cashsheet_client.api.journal_entries import journal_entries_list
from cashsheet_client.api.sales_orders import sales_orders_create, sales_orders_partial_update
from cashsheet_client.api.stock import stock_movements_create
from cashsheet_client.api.webhooks import event_types_list
from cashsheet_client.models import (
    AtpCheckRequestRequest,
    AtpCheckResponse,
    AtpCheckResponseResultEnum,
    CategoryEnum,
    Customer,
    CustomerRequest,
    Error,
    Facility,
    FacilityRequest,
    Item,
    ItemRequest,
    LineInputRequest,
    PaginatedEventTypeList,
    PaginatedJournalEntryList,
    PatchedCustomerRequest,
    PatchedSalesOrderPatchRequest,
    SalesOrder,
    SalesOrderCreateRequest,
    SalesOrderCreateStatusEnum,
    SalesOrderPatchStatusEnum,
    SalesOrderStatusEnum,
    StockMovementCreateRequest,
)
from cashsheet_client.types import Unset


def expect(value, kind, what: str):
    if not isinstance(value, kind):
        raise SystemExit(f"{what}: expected {kind.__name__}, got {type(value).__name__}: {value!r}")
    return value


def main(base_url: str, host: str, token: str, prefix: str) -> dict:
    client = AuthenticatedClient(
        base_url=base_url, token=token, headers={"Host": host}, raise_on_unexpected_status=True, timeout=60.0
    )
    seen: dict = {}
    today = datetime.datetime.now(datetime.UTC).date()

    # A CRM creates a customer keyed by its own id (external_ref).
    created = expect(
        customers_create.sync(client=client, body=CustomerRequest(code=f"{prefix}-C", name="Generated Client Co",
                                                                    external_ref=f"crm-{prefix}")),
        Customer, "create customer",
    )  # fmt: skip
    # Upsert: the same external_ref again answers 409; the `errors` entry for external_ref holds its id.
    conflict = expect(
        customers_create.sync(client=client, body=CustomerRequest(code=f"{prefix}-C2", name="Renamed Co",
                                                                  external_ref=f"crm-{prefix}")),
        Error, "duplicate external_ref",
    )  # fmt: skip
    assert conflict.status == 409 and conflict.code == "conflict", conflict
    by_field = {e.field: e for e in conflict.errors}
    assert by_field["external_ref"].existing_id == created.id and by_field["external_ref"].code == "unique"
    assert conflict.existing_id == created.id
    updated = expect(
        customers_partial_update.sync(
            id=by_field["external_ref"].existing_id, client=client, body=PatchedCustomerRequest(name="Renamed Co")
        ),
        Customer, "upsert by PATCH",
    )  # fmt: skip
    assert updated.name == "Renamed Co" and updated.external_ref == f"crm-{prefix}"
    seen["upsert"] = {"existing_id": conflict.existing_id, "fields": sorted(by_field)}

    # Master data and stock, then an order: draft → confirmed (the ATP engine reserves it).
    facility = expect(
        facilities_create.sync(client=client, body=FacilityRequest(code=f"{prefix}-F", name="Generated plant")),
        Facility, "create facility",
    )  # fmt: skip
    item = expect(
        items_create.sync(client=client, body=ItemRequest(imps_code=f"{prefix[-10:]}I", description="Ribeye roll",
                                                          category=CategoryEnum.SUBPRIMAL, list_price_per_lb="14.20")),
        Item, "create item",
    )  # fmt: skip
    receipt = stock_movements_create.sync_detailed(
        client=client,
        body=StockMovementCreateRequest.from_dict(
            {"facility": facility.id, "item": item.id, "kind": "receipt", "quantity_lb": "2400.00",
             "effective_date": today.isoformat(), "lot_code": f"{prefix}-LOT", "pack_date": today.isoformat(),
             "unit_cost_per_lb": "11.1000"}
        ),
    )  # fmt: skip
    assert receipt.status_code == 201, receipt.content
    order = expect(
        sales_orders_create.sync(
            client=client,
            body=SalesOrderCreateRequest(
                customer=created.id, facility=facility.id, delivery_date=today + datetime.timedelta(days=3),
                lines=[LineInputRequest(quantity_lb="400.00", item=item.id)],
            ),
        ),
        SalesOrder, "create order",
    )  # fmt: skip
    assert order.status == SalesOrderStatusEnum.DRAFT
    draft_source = order.lines[0].source_facility_code  # null on a draft line: typed `str | None`
    confirmed = expect(
        sales_orders_partial_update.sync(
            id=order.id, client=client, body=PatchedSalesOrderPatchRequest(status=SalesOrderPatchStatusEnum.CONFIRMED)
        ),
        SalesOrder, "confirm order",
    )  # fmt: skip
    assert confirmed.status == SalesOrderStatusEnum.CONFIRMED, confirmed
    assert confirmed.lines[0].source_facility_code == facility.code
    check = expect(
        atp_check_create.sync(
            client=client,
            body=AtpCheckRequestRequest(facility_id=facility.code, imps_code=item.imps_code, quantity_lb="100",
                                        delivery_date=today + datetime.timedelta(days=3)),
        ),
        AtpCheckResponse, "ATP check",
    )  # fmt: skip
    assert check.result == AtpCheckResponseResultEnum.FEASIBLE, check
    short = expect(
        atp_check_create.sync(
            client=client,
            body=AtpCheckRequestRequest(facility_id=facility.code, imps_code=item.imps_code, quantity_lb="99999",
                                        delivery_date=today + datetime.timedelta(days=3)),
        ),
        AtpCheckResponse, "ATP check beyond stock",
    )  # fmt: skip
    # Confirming at once more than there is: 409 atp_shortage, lines by position (the order rolled back).
    refused = expect(
        sales_orders_create.sync(
            client=client,
            body=SalesOrderCreateRequest(
                customer=created.id, facility=facility.id, delivery_date=today + datetime.timedelta(days=3),
                lines=[LineInputRequest(quantity_lb="99999.00", item=item.id)],
                status=SalesOrderCreateStatusEnum.CONFIRMED,
            ),
        ),
        Error, "order beyond stock",
    )  # fmt: skip
    assert refused.status == 409 and refused.code == "atp_shortage", refused
    assert refused.lines[0].line == 0 and isinstance(refused.lines[0].id, Unset), refused.lines
    assert [(e.field, e.code) for e in refused.errors] == [("lines.0.quantity_lb", "atp_shortage")]
    seen["order"] = {
        "draft_source_facility_code": draft_source,
        "confirmed": confirmed.status.value,
        "atp": check.result.value,
        "atp_available_lb": str(check.available_lb),
        "atp_short": short.result.value,
        "shortage_available_lb": refused.lines[0].available_lb,
    }

    # Reads a BI tool makes: journal entries (every source parses as the response enum) and event types.
    entries = expect(journal_entries_list.sync(client=client, page_size=200), PaginatedJournalEntryList, "journal")
    types = expect(event_types_list.sync(client=client), PaginatedEventTypeList, "event types")
    names = {t.name for t in types.results}
    assert {"sales_order.confirmed", "invoice.posted"} <= names, names
    seen["journal_sources"] = sorted({e.source.value for e in entries.results})
    seen["event_types"] = len(names)

    # A missing record: 404 parsed as Error.
    missing = expect(customers_retrieve.sync(id=2**62, client=client), Error, "missing customer")
    assert missing.status == 404 and missing.code == "not_found", missing
    seen["not_found"] = missing.code
    return seen


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:5])))
