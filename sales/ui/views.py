"""Sales orders: list, create with lines (live ATP quote per line), detail with its timeline, and the
transitions. Each POST checks the API's permission (add_salesorder to create, change_salesorder to move the
status or invoice) and calls the service PATCH/POST /api/v2/sales-orders/ calls."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from atp import services as atp_services
from atp.services import AtpShortage
from cashsheet.api.exceptions import DomainError
from cashsheet.ui.crud import Column, Resource
from cashsheet.ui.shortcuts import render_page, ui_view
from inventory import selectors as inventory_selectors
from sales import selectors, services
from sales.filters import SalesOrderFilterSet
from sales.models import SALES_ORDER_TRANSITIONS, SalesOrder, SalesOrderStatus
from sales.ui.forms import LineFormSet, OrderForm, ShipForm

orders = Resource(
    key="sales-orders",
    singular="sales order",
    title="Sales orders",
    model=SalesOrder,
    selector=lambda: SalesOrder.objects.select_related("customer", "facility"),
    columns=[
        Column("Number", "number", order="number", link=True),
        Column("Customer", "customer.code"),
        Column("Status", "status"),
        Column("Order date", "order_date", order="order_date"),
        Column("Delivery", "delivery_date", order="delivery_date"),
        Column("Ship from", "facility.code"),
        Column("Total $", "total", num=True),
    ],
    filterset_class=SalesOrderFilterSet,
    filter_names=("status", "delivery_date_after", "delivery_date_before"),
    search_fields=("number", "external_ref", "customer__name", "customer__code"),
    search_help="number, PO, customer",
    ordering_fields=("created_at", "order_date", "delivery_date", "number"),
    deactivate=False,
    add_url_name="ui-sales-orders-new",  # order_new below: an order is created with its lines
)


def _line_inputs(formset) -> list[services.LineInput]:
    return [
        services.LineInput(
            item=f.cleaned_data["item"],
            quantity_lb=f.cleaned_data["quantity_lb"],
            price_per_lb=f.cleaned_data.get("price_per_lb"),
        )  # fmt: skip
        for f in formset.forms
        if f.cleaned_data.get("item")
    ]


def _shortage_lines(exc: AtpShortage, requests: list[dict]) -> list[dict]:
    """Each line's ATP answer from the refusal, with the other facilities' for a short line (atp_check)."""
    out = []
    for asked, answer in zip(requests, exc.context.get("lines", []), strict=False):
        row = {**asked, **answer, "short": answer["available_lb"] < answer["requested_lb"], "alternatives": []}
        if row["short"]:
            try:
                check = atp_services.atp_check(facility=asked["facility"], item=asked["item"],
                                               quantity_lb=answer["requested_lb"],
                                               delivery_date=asked["delivery_date"])  # fmt: skip
                row["alternatives"] = check.alternatives
                row["earliest_date_full"] = check.earliest_date_full
            except DomainError:
                pass
        out.append(row)
    return out


def _form_context(request, form, formset, shortage=None) -> dict:
    return {
        "form": form,
        "formset": formset,
        "shortage": shortage,
        "items": inventory_selectors.item_list().filter(active=True).only("imps_code", "description"),
        "can_quote": request.user.has_perm("atp.run_atpcheck"),
    }


def _formset_error(formset, exc: DomainError) -> bool:
    """A service error naming `lines.N.field`: beside that field of line N."""
    parts = (exc.field or "").split(".")
    if len(parts) == 3 and parts[0] == "lines" and re.fullmatch(r"[0-9]+", parts[1]):
        filled = [f for f in formset.forms if f.cleaned_data.get("item")]
        index = int(parts[1])
        if index < len(filled):
            name = {"imps_code": "item"}.get(parts[2], parts[2])
            filled[index].add_error(name if name in filled[index].fields else None, exc.detail)
            return True
    return False


@ui_view("sales.view_salesorder", "sales.add_salesorder")
def order_new(request):
    """Create an order with its lines: a draft, or confirmed at once (ATP reserves every line, all or nothing)."""
    if request.method != "POST":
        return render_page(
            request, "sales/order_form.html", _form_context(request, OrderForm(), LineFormSet(prefix="lines"))
        )
    form, formset = OrderForm(request.POST), LineFormSet(request.POST, prefix="lines")
    shortage = None
    if form.is_valid() and formset.is_valid():
        lines = _line_inputs(formset)
        if not lines:
            form.add_error(None, "Add at least one line: an item and its pounds.")
        else:
            data = form.cleaned_data
            confirm = request.POST.get("action") == "confirm"
            try:
                with transaction.atomic():
                    order = services.sales_order_create(
                        customer=data["customer"], facility=data["facility"], delivery_date=data["delivery_date"],
                        external_ref=data["external_ref"] or None, memo=data["memo"], lines=lines,
                        status=SalesOrderStatus.CONFIRMED if confirm else SalesOrderStatus.DRAFT, actor=request.user,
                    )  # fmt: skip
            except AtpShortage as exc:
                asked = [{"line_no": n, "item": line.item, "facility": data["facility"],
                          "delivery_date": data["delivery_date"]} for n, line in enumerate(lines, start=1)]  # fmt: skip
                shortage = {"detail": exc.detail, "lines": _shortage_lines(exc, asked)}
            except DomainError as exc:
                if not _formset_error(formset, exc):
                    form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
            else:
                verb = "confirmed" if confirm else "saved as a draft"
                messages.success(request, f"Sales order {order.number} {verb}.")
                return redirect("ui-sales-orders-detail", order.pk)
    # A page re-rendered with its errors answers 200, as every form of the shell does (a browser reports a 4xx
    # document as a console error); the errors are beside the fields, the shortfall above them.
    return render_page(request, "sales/order_form.html", _form_context(request, form, formset, shortage))


def _timeline(order: SalesOrder) -> list[tuple]:
    events = [(order.created_at, f"Created ({order.lines.all().count()} lines, ${order.total:,})")]
    if order.confirmed_at:
        events.append((order.confirmed_at, "Confirmed: ATP reserved every line"))
    if order.shipped_at:
        events.append((order.shipped_at, f"Shipped on {order.ship_date:%Y-%m-%d}"))
    if order.invoice_id:
        events.append((order.invoice.created_at, f"Invoiced: {order.invoice.number}"))
    if order.cancelled_at:
        events.append((order.cancelled_at, "Cancelled"))
    return sorted(events, key=lambda e: e[0])


def _detail(request, order, *, ship_form=None, shortage=None, status=200):
    can_change = request.user.has_perm("sales.change_salesorder")
    allowed = SALES_ORDER_TRANSITIONS[order.status]
    lines = list(order.lines.all())
    for line in lines:  # what was typed is kept when shipping is refused
        line.ship_value = (
            request.POST.get(f"line-{line.pk}", line.quantity_lb) if request.method == "POST" else line.quantity_lb
        )
    context = {
        "order": order,
        "lines": lines,
        "timeline": _timeline(order),
        "can_confirm": can_change and SalesOrderStatus.CONFIRMED in allowed,
        "can_ship": can_change and SalesOrderStatus.SHIPPED in allowed,
        "can_invoice": can_change and SalesOrderStatus.INVOICED in allowed,
        "can_cancel": can_change and SalesOrderStatus.CANCELLED in allowed,
        "ship_form": ship_form or ShipForm(initial={"ship_date": timezone.localdate()}),
        "shortage": shortage,
    }
    return render_page(request, "sales/order_detail.html", context, status=status)


def _order(pk: int) -> SalesOrder:
    return get_object_or_404(selectors.sales_order_list().select_related("invoice"), pk=pk)


@ui_view("sales.view_salesorder", methods=("GET",))
def order_detail(request, pk: int):
    return _detail(request, _order(pk))


@ui_view("sales.view_salesorder", "sales.change_salesorder", methods=("POST",))
def order_action(request, pk: int, action: str):
    """confirm, ship (catch weight per line), invoice or cancel: the service each PATCH status calls."""
    order = _order(pk)
    ship_form = None
    try:
        with transaction.atomic():
            if action == "confirm":
                services.sales_order_confirm(order=order, actor=request.user)
            elif action == "cancel":
                services.sales_order_cancel(order=order, actor=request.user)
            elif action == "invoice":
                services.sales_order_invoice(order=order, actor=request.user)
            elif action == "ship":
                ship_form = ShipForm(request.POST)
                if not ship_form.is_valid():
                    return _detail(request, order, ship_form=ship_form)
                shipped = {}
                for line in order.lines.all():
                    raw = request.POST.get(f"line-{line.pk}", "").strip()
                    try:
                        weight = Decimal(raw)
                    except ArithmeticError:
                        ship_form.add_error(None, f"Line {line.line_no}: shipped lb must be a number.")
                        return _detail(request, order, ship_form=ship_form)
                    shipped[line.pk] = services.ShipLine(shipped_lb=weight)
                services.sales_order_ship(order=order, shipped=shipped, ship_date=ship_form.cleaned_data["ship_date"],
                                          actor=request.user)  # fmt: skip
            else:
                raise Http404
    except AtpShortage as exc:
        lines = list(order.lines.all())
        asked = [{"line_no": line.line_no, "item": line.item, "facility": line.facility,
                  "delivery_date": line.delivery_date} for line in lines]  # fmt: skip
        shortage = {"detail": exc.detail, "lines": _shortage_lines(exc, asked)}
        return _detail(request, _order(pk), shortage=shortage)
    except DomainError as exc:
        if action == "ship":
            ship_form.add_error(None, exc.detail)
            return _detail(request, _order(pk), ship_form=ship_form)
        messages.error(request, exc.detail)
        return redirect("ui-sales-orders-detail", pk)
    done = {"confirm": "confirmed", "cancel": "cancelled", "invoice": "invoiced", "ship": "shipped"}[action]
    messages.success(request, f"Sales order {order.number} {done}.")
    return redirect("ui-sales-orders-detail", pk)
