"""Lots: list and detail (where each lies, its holds, trace and recall), hold and release; and stock on hand
per lot. The selectors and services are those /api/v2/lots/ and /stock-balances/?by_lot=true use; trace and
recall are the registered reports (/reports/trace/, /reports/recall/), linked with the lot filled in."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from cashsheet.api.exceptions import DomainError
from cashsheet.ui.crud import Column, Resource, list_state
from cashsheet.ui.shortcuts import render_page, ui_view
from inventory import selectors, services
from inventory.filters import LotFilterSet, LotStockFilterSet
from inventory.models import Lot


def _on_hand(lot) -> str:
    total = sum((b.closing_lb or 0 for b in lot.balances.all()), 0)
    return f"{total:,.2f}"


def _lot_context(lot) -> dict:
    return {"balances": [b for b in lot.balances.all() if b.closing_lb], "holds": list(lot.holds.all()),
            "hold_form": HoldForm()}  # fmt: skip


class HoldForm(forms.Form):
    reason = forms.CharField(
        max_length=500, label="Reason", help_text="e.g. positive E. coli retest, customer complaint."
    )


lots = Resource(
    key="lots",
    singular="lot",
    title="Lots",
    model=Lot,
    selector=selectors.lot_list,
    columns=[
        Column("Code", "code", order="code", link=True),
        Column("Item", "item.imps_code"),
        Column("Made or received at", "facility.code"),
        Column("Origin", "get_origin_display"),
        Column("Pack date", "pack_date", order="pack_date"),
        Column("Use by", "use_by_date", order="use_by_date"),
        Column("State", "get_state_display"),
        Column("On hold", "on_hold"),
        Column("On hand lb", _on_hand, num=True),
    ],
    filterset_class=LotFilterSet,
    filter_names=("imps_code", "on_hold", "state", "expiring_before"),
    search_fields=("code", "vendor_lot_code", "item__imps_code"),
    search_help="lot code, vendor lot, IMPS code",
    ordering_fields=("created_at", "code", "pack_date", "use_by_date"),
    detail_fields=[
        ("Code", "code"),
        ("Item", "item"),
        ("Made or received at", "facility"),
        ("Origin", "get_origin_display"),
        ("Vendor", "vendor"),
        ("Vendor lot", "vendor_lot_code"),
        ("Establishment", "establishment_number"),
        ("Kill date", "kill_date"),
        ("Pack date", "pack_date"),
        ("Use by", "use_by_date"),
        ("State", "get_state_display"),
        ("Production order", "production_order_id"),
        ("On hold", "on_hold"),
        ("Hold reason", "hold_reason"),
    ],  # fmt: skip
    detail_extra="inventory/_lot.html",
    detail_context=_lot_context,
    label=lambda lot: lot.code,
    deactivate=False,
)


@ui_view("inventory.view_lot", "inventory.change_lot", methods=("POST",))
def lot_hold(request, pk: int):
    lot = get_object_or_404(selectors.lot_list(), pk=pk)
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the lot is held.")
        return redirect("ui-lots-detail", pk)
    try:
        with transaction.atomic():
            services.lot_hold(lot=lot, reason=form.cleaned_data["reason"], actor=request.user)
        messages.success(request, f"Lot {lot.code} is on hold: it cannot ship, transfer, be cut or be promised.")
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("ui-lots-detail", pk)


@ui_view("inventory.view_lot", "inventory.change_lot", methods=("POST",))
def lot_release(request, pk: int):
    lot = get_object_or_404(selectors.lot_list(), pk=pk)
    try:
        with transaction.atomic():
            services.lot_release(lot=lot, reason=request.POST.get("reason", "")[:500], actor=request.user)
        messages.success(request, f"Lot {lot.code} released.")
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("ui-lots-detail", pk)


@ui_view("inventory.view_stockbalance", methods=("GET",))
def stock_by_lot(request):
    """On hand per lot and facility at the close of a day (default today), earliest use-by first, with values."""
    as_of_field = forms.DateField(required=False)
    try:
        as_of = as_of_field.clean(request.GET.get("as_of")) or None
    except forms.ValidationError:
        as_of = None
    state = list_state(
        request, selectors.lot_stock_list(as_of=as_of), filterset_class=LotStockFilterSet,
        search_fields=("lot__code", "lot__item__imps_code", "lot__item__description", "facility__code"),
        ordering_fields=("facility__code", "lot__use_by_date", "closing_lb", "lot__code"),
        ordering=("facility__code", "lot__item__imps_code", "lot__use_by_date"),
    )  # fmt: skip
    values = selectors.lot_values(rows=state.rows, as_of=as_of)
    rows = [(row, values.get(row.pk)) for row in state.rows]
    context = {"state": state, "rows": rows, "as_of": as_of or timezone.localdate(),
               "filters": state.filters.form if state.filters else None}  # fmt: skip
    return render_page(request, "inventory/stock_lots.html", context, partial="inventory/_stock_lots_table.html")
