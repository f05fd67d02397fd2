"""Production orders (plan, release, complete with actual outputs, cancel) and transfer orders (plan, ship,
receive, cancel): thin views over the operations services /api/v2/production-orders/ and
/api/v2/transfer-orders/ call, with the same permissions (add_ to plan, change_ for every transition)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from cashsheet.api.exceptions import DomainError
from cashsheet.ui.crud import Column, Resource
from cashsheet.ui.shortcuts import render_page, ui_view
from inventory.models import ProductionOrder, ProductionStatus, TransferOrder, TransferStatus
from operations import selectors
from operations.filters import ProductionOrderFilterSet, TransferOrderFilterSet
from operations.services import production, transfers
from operations.ui.forms import CompleteForm, ProductionOrderForm, ReceiveForm, ShipForm, TransferOrderForm

P, T = ProductionStatus, TransferStatus


def _production_context(order) -> dict:
    return {"kind": "production", "outputs": list(order.outputs.all()), "inputs": list(order.inputs.all()),
            "can_release": order.status == P.PLANNED, "can_complete": order.status in (P.PLANNED, P.RELEASED),
            "can_cancel": order.status in (P.PLANNED, P.RELEASED)}  # fmt: skip


def _transfer_context(order) -> dict:
    return {"kind": "transfer", "lots": list(order.lots.all()), "ship_form": ShipForm(), "receive_form": ReceiveForm(),
            "can_ship": order.status == T.PLANNED, "can_receive": order.status == T.SHIPPED,
            "can_cancel": order.status == T.PLANNED}  # fmt: skip


production_orders = Resource(
    key="production-orders",
    singular="production order",
    title="Production orders",
    model=ProductionOrder,
    selector=selectors.production_order_list,
    columns=[
        Column("Number", "number", order="number", link=True),
        Column("Pattern", "pattern.code"),
        Column("Plant", "facility.code"),
        Column("Date", "production_date", order="production_date"),
        Column("Planned input lb", "planned_input_lb", num=True),
        Column("Status", "status"),
    ],
    filterset_class=ProductionOrderFilterSet,
    filter_names=("status", "production_date_from", "production_date_to"),
    search_fields=("number", "memo", "pattern__code"),
    search_help="number, pattern",
    ordering_fields=("created_at", "production_date", "number"),
    detail_fields=[
        ("Pattern", "pattern"),
        ("Input item", "pattern.input_item"),
        ("Plant", "facility"),
        ("Production date", "production_date"),
        ("Planned input lb", "planned_input_lb"),
        ("Status", "status"),
        ("Released", "released_at"),
        ("Completed", "completed_at"),
        ("Journal entry", "journal_entry_id"),
        ("Memo", "memo"),
    ],  # fmt: skip
    detail_extra="operations/_production.html",
    detail_context=_production_context,
    label=lambda o: o.number,
    deactivate=False,
    add_url_name="ui-production-orders-new",
)

transfer_orders = Resource(
    key="transfer-orders",
    singular="transfer order",
    title="Transfer orders",
    model=TransferOrder,
    selector=selectors.transfer_order_list,
    columns=[
        Column("Number", "number", order="number", link=True),
        Column("From", "lane.from_facility.code"),
        Column("To", "lane.to_facility.code"),
        Column("Item", "item.imps_code"),
        Column("lb", "quantity_lb", num=True),
        Column("Ship date", "ship_date", order="ship_date"),
        Column("Status", "status"),
    ],
    filterset_class=TransferOrderFilterSet,
    filter_names=("status", "imps_code", "ship_date_from", "ship_date_to"),
    search_fields=("number", "memo"),
    ordering_fields=("created_at", "ship_date", "number"),
    detail_fields=[
        ("From", "lane.from_facility"),
        ("To", "lane.to_facility"),
        ("Lead time (days)", "lane.lead_time_days"),
        ("Item", "item"),
        ("Pounds", "quantity_lb"),
        ("Ship date", "ship_date"),
        ("Status", "status"),
        ("Goods value ($)", "goods_value"),
        ("Freight ($)", "freight_cost"),
        ("Received", "received_date"),
        ("Memo", "memo"),
    ],  # fmt: skip
    detail_extra="operations/_transfer.html",
    detail_context=_transfer_context,
    label=lambda o: o.number,
    deactivate=False,
    add_url_name="ui-transfer-orders-new",
)


def _run(form, call: Callable) -> object | None:
    """The service in one transaction; a refusal goes beside the field it names (or above the form)."""
    try:
        with transaction.atomic():
            return call()
    except DomainError as exc:
        field = exc.field if exc.field in form.fields else None
        match = re.fullmatch(r"outputs\.([0-9]+)\.[a-z_]+", exc.field or "")
        if match and isinstance(form, CompleteForm) and int(match[1]) < len(outputs := form.order.outputs.all()):
            field = f"actual_{outputs[int(match[1])].item_id}"  # the Nth output given is the Nth row
        form.add_error(field, exc.detail)
        return None


def _new(request, form_class, create, resource: Resource, title: str):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = _run(form, lambda: create(actor=request.user, **form.cleaned_data))
        if made is not None:
            messages.success(request, f"Planned {resource.singular} {made.number}.")
            return redirect(resource.url("detail", made.pk))
    context = {"form": form, "title": title, "list_url": resource.url(), "list_title": resource.title,
               "submit": f"Plan {resource.singular}"}  # fmt: skip
    return render_page(request, "operations/form.html", context)


@ui_view("inventory.view_productionorder", "inventory.add_productionorder")
def production_order_new(request):
    return _new(request, ProductionOrderForm, production.production_order_create, production_orders,
                "New production order")  # fmt: skip


@ui_view("inventory.view_transferorder", "inventory.add_transferorder")
def transfer_order_new(request):
    return _new(request, TransferOrderForm, transfers.transfer_order_create, transfer_orders, "New transfer order")


def _action_page(request, resource, order, form, title: str, submit: str):
    context = {"form": form, "title": title, "list_url": resource.url(), "list_title": resource.title,
               "object": order, "detail_url": resource.url("detail", order.pk), "submit": submit}  # fmt: skip
    return render_page(request, "operations/form.html", context)


@ui_view("inventory.view_productionorder", "inventory.change_productionorder")
def production_order_action(request, pk: int, action: str):
    order = get_object_or_404(selectors.production_order_list(), pk=pk)
    if action == "complete":
        form = CompleteForm(request.POST or None, order=order)
        if request.method == "POST" and form.is_valid():
            done = _run(form, lambda: production.production_order_complete(order=order, outputs=form.outputs(),
                                                                           actor=request.user))  # fmt: skip
            if done is not None:
                messages.success(request, f"Production order {order.number} completed.")
                return redirect("ui-production-orders-detail", pk)
        return _action_page(request, production_orders, order, form, f"Complete production order {order.number}",
                            f"Complete {order.number}")  # fmt: skip
    service = {"release": production.production_order_release, "cancel": production.production_order_cancel}.get(action)
    if service is None or request.method != "POST":
        raise Http404
    try:
        with transaction.atomic():
            service(order=order, actor=request.user)
        messages.success(
            request, f"Production order {order.number} {'released' if action == 'release' else 'cancelled'}."
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("ui-production-orders-detail", pk)


@ui_view("inventory.view_transferorder", "inventory.change_transferorder", methods=("POST",))
def transfer_order_action(request, pk: int, action: str):
    order = get_object_or_404(selectors.transfer_order_list(), pk=pk)
    forms = {"ship": (ShipForm, transfers.transfer_order_ship, "shipped"),
             "receive": (ReceiveForm, transfers.transfer_order_receive, "received")}  # fmt: skip
    if action == "cancel":
        try:
            with transaction.atomic():
                transfers.transfer_order_cancel(order=order, actor=request.user)
            messages.success(request, f"Transfer order {order.number} cancelled.")
        except DomainError as exc:
            messages.error(request, exc.detail)
        return redirect("ui-transfer-orders-detail", pk)
    if action not in forms:
        raise Http404
    form_class, service, verb = forms[action]
    form = form_class(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None}
        if _run(form, lambda: service(order=order, actor=request.user, **data)) is not None:
            messages.success(request, f"Transfer order {order.number} {verb}.")
            return redirect("ui-transfer-orders-detail", pk)
    # Refused: the form again, with the error beside the date and what was typed.
    return _action_page(request, transfer_orders, order, form, f"{action.capitalize()} transfer order {order.number}",
                        f"{action.capitalize()} {order.number}")  # fmt: skip


@ui_view("atp.view_lprun", "inventory.add_productionorder", "inventory.add_transferorder", methods=("POST",))
def lp_run_apply(request, pk: int):
    """Plan the orders of a succeeded LP run (planning.lp_run_apply, as POST /api/v2/lp-runs/{id}/apply/).
    Served here, like the API's: the runs are atp's, the orders operations', and atp never imports operations."""
    from atp.selectors import lp_run_list
    from operations.services import planning

    run = get_object_or_404(lp_run_list().defer("model_mps", "model_lp"), pk=pk)
    try:
        with transaction.atomic():
            applied = planning.lp_run_apply(run=run, actor=request.user)
        numbers = [o.number for o in (*applied.production_orders, *applied.transfer_orders)]
        if applied.already_applied:
            messages.info(request, f"LP run {run.pk} was applied before: {', '.join(numbers) or 'no orders'}.")
        elif numbers:
            messages.success(request, f"LP run {run.pk} applied: planned {', '.join(numbers)}.")
        else:
            messages.info(request, f"LP run {run.pk}: planned orders already cover its plan; nothing added.")
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("ui-lp-runs-detail", pk)
