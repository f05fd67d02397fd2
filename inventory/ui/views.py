"""Master data (facilities, lanes, items, cutting patterns) as Resources; stock on hand, movements and the
receipt/adjustment form. Every write is the service POST /api/v2/... calls."""

from decimal import Decimal

from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import redirect
from django.utils import timezone

from cashsheet.ui.charts import bar_chart
from cashsheet.ui.crud import Column, Resource, list_state, service_run
from cashsheet.ui.shortcuts import render_page, ui_view
from inventory import selectors, services
from inventory.filters import (
    CuttingPatternFilterSet,
    FacilityFilterSet,
    ItemFilterSet,
    StockBalanceFilterSet,
    StockMovementFilterSet,
    TransferLaneFilterSet,
)
from inventory.models import CuttingPattern, Facility, Item, MovementKind, StockMovement, TransferLane
from inventory.ui.forms import FacilityForm, ItemForm, StockPostForm, TransferLaneForm

facilities = Resource(
    key="facilities",
    singular="facility",
    title="Facilities",
    model=Facility,
    selector=selectors.facility_list,
    columns=[
        Column("Code", "code", order="code", link=True),
        Column("Name", "name", order="name"),
        Column("Time zone", "timezone"),
        Column("Breaks", "can_break"),
        Column("Breaking lb/day", "breaking_capacity_lb", num=True),
        Column("Fabrication lb/day", "fabrication_capacity_lb", num=True),
        Column("Active", "active"),
    ],
    form_class=FacilityForm,
    create=lambda data: services.facility_create(**data),
    update=lambda obj, data: services.facility_update(facility=obj, **data),
    filterset_class=FacilityFilterSet,
    filter_names=("active", "can_break"),
    search_fields=("code", "name"),
    ordering_fields=("created_at", "updated_at", "code", "name"),
    ordering=("code",),
    detail_fields=[
        ("Code", "code"),
        ("Name", "name"),
        ("Time zone", "timezone"),
        ("Can break", "can_break"),
        ("Breaking capacity (lb/day)", "breaking_capacity_lb"),
        ("Fabrication capacity (lb/day)", "fabrication_capacity_lb"),
        ("Active", "active"),
    ],
    label=lambda f: f.code,
)

transfer_lanes = Resource(
    key="transfer-lanes",
    singular="transfer lane",
    title="Transfer lanes",
    model=TransferLane,
    selector=selectors.transfer_lane_list,
    columns=[
        Column("Lane", lambda lane: f"{lane.from_facility.code} → {lane.to_facility.code}", link=True),
        Column("Lead time (days)", "lead_time_days", order="lead_time_days", num=True),
        Column("Freight $/lb", "cost_per_lb", order="cost_per_lb", num=True),
        Column("Active", "active"),
    ],
    form_class=TransferLaneForm,
    create=lambda data: services.transfer_lane_create(**data),
    update=lambda obj, data: services.transfer_lane_update(lane=obj, **data),
    filterset_class=TransferLaneFilterSet,
    filter_names=("active",),
    search_fields=("from_facility__code", "to_facility__code"),
    ordering_fields=("created_at", "updated_at", "lead_time_days", "cost_per_lb"),
    ordering=("from_facility__code", "to_facility__code"),
    detail_fields=[
        ("From", "from_facility"),
        ("To", "to_facility"),
        ("Lead time (days)", "lead_time_days"),
        ("Freight ($/lb)", "cost_per_lb"),
        ("Active", "active"),
    ],
    label=lambda lane: f"{lane.from_facility.code} → {lane.to_facility.code}",
)

items = Resource(
    key="items",
    singular="item",
    title="Items",
    model=Item,
    selector=selectors.item_list,
    columns=[
        Column("IMPS code", "imps_code", order="imps_code", link=True),
        Column("Name", "description", order="description"),
        Column("Species", "get_species_display"),
        Column("Category", "get_category_display"),
        Column("List $/lb", "list_price_per_lb", order="list_price_per_lb", num=True),
        Column("Shelf life (days)", "shelf_life_days", num=True),
        Column("Active", "active"),
    ],
    form_class=ItemForm,
    create=lambda data: services.item_create(**data),
    update=lambda obj, data: services.item_update(item=obj, **data),
    filterset_class=ItemFilterSet,
    filter_names=("species", "category", "active"),
    search_fields=("imps_code", "description"),
    search_help="IMPS code or name",
    ordering_fields=("created_at", "updated_at", "imps_code", "description", "list_price_per_lb"),
    ordering=("imps_code",),
    detail_fields=[
        ("IMPS code", "imps_code"),
        ("Name", "description"),
        ("Species", "get_species_display"),
        ("Category", "get_category_display"),
        ("Grade", "grade"),
        ("List price ($/lb)", "list_price_per_lb"),
        ("Standard cost ($/lb)", "standard_cost_per_lb"),
        ("Shelf life, chilled (days)", "shelf_life_days"),
        ("Shelf life, frozen (days)", "frozen_shelf_life_days"),
        ("Active", "active"),
    ],
    label=lambda i: i.imps_code,
)


def _outputs(pattern) -> str:
    return ", ".join(f"{o.item.imps_code} {o.yield_fraction:.1%}" for o in pattern.outputs.all())


def _pattern_context(pattern) -> dict:
    outputs = list(pattern.outputs.all())
    total = sum((o.yield_fraction for o in outputs), Decimal(0))
    return {"outputs": outputs, "yield_total": total, "shrink": 1 - total}


cutting_patterns = Resource(
    key="cutting-patterns",
    singular="cutting pattern",
    title="Cutting patterns",
    model=CuttingPattern,
    selector=selectors.cutting_pattern_list,
    columns=[
        Column("Code", "code", order="code", link=True),
        Column("Input", "input_item.imps_code"),
        Column("Process", "get_process_display"),
        Column("Outputs (yield)", _outputs),
        Column("Yield total", lambda p: f"{sum(o.yield_fraction for o in p.outputs.all()):.1%}", num=True),
        Column("Active", "active"),
    ],
    filterset_class=CuttingPatternFilterSet,
    filter_names=("active",),
    search_fields=("code", "name", "input_item__imps_code"),
    ordering_fields=("created_at", "updated_at", "code"),
    ordering=("code",),
    detail_fields=[
        ("Code", "code"),
        ("Name", "name"),
        ("Input item", "input_item"),
        ("Process", "get_process_display"),
        ("Lead time (days)", "lead_time_days"),
        ("Processing cost ($/lb input)", "processing_cost_per_lb"),
        ("Facilities", lambda p: ", ".join(f.code for f in p.facilities.all())),
        ("Active", "active"),
    ],
    detail_extra="inventory/_pattern_outputs.html",
    detail_context=_pattern_context,
    label=lambda p: p.code,
    # Create and edit are inventory/ui/patterns.py (a pattern is saved with its outputs); deactivate is here.
    add_url_name="ui-cutting-patterns-new",
    update=lambda obj, data: services.cutting_pattern_update(pattern=obj, **data),
)

stock_movements = Resource(
    key="stock-movements",
    singular="stock movement",
    title="Stock movements",
    model=StockMovement,
    selector=selectors.stock_movement_list,
    columns=[
        Column("Date", "effective_date", order="effective_date", link=True),
        Column("Facility", "facility.code"),
        Column("Item", "item.imps_code"),
        Column("Kind", "get_kind_display"),
        Column("Lot", "lot.code"),
        Column("lb", lambda m: m.quantity_lb * m.direction, order="quantity_lb", num=True),
        Column("Value $", "value", num=True),
        Column("Memo", "memo"),
    ],
    filterset_class=StockMovementFilterSet,
    filter_names=("facility", "imps_code", "kind", "effective_date_from", "effective_date_to"),
    search_fields=("lot__code", "memo"),
    search_help="lot code or memo",
    ordering_fields=("created_at", "effective_date", "quantity_lb"),
    ordering=("-effective_date", "-id"),
    detail_fields=[
        ("Date", "effective_date"),
        ("Facility", "facility"),
        ("Item", "item"),
        ("Kind", "get_kind_display"),
        ("Direction", lambda m: "into stock" if m.direction == 1 else "out of stock"),
        ("Pounds", "quantity_lb"),
        ("Lot", "lot.code"),
        ("Unit cost ($/lb)", "unit_cost_per_lb"),
        ("Value ($)", "value"),
        ("Lane", "lane"),
        ("Source", lambda m: f"{m.source_type} {m.source_id}" if m.source_type else ""),
        ("Memo", "memo"),
        ("Posted", "created_at"),
    ],
    label=lambda m: f"#{m.pk}",
    deactivate=False,
)


@ui_view("inventory.view_stockbalance", methods=("GET",))
def stock(request):
    """On hand by facility and item at the close of a day (default today), with a total per facility."""
    form = StockBalanceFilterSet(request.GET, queryset=selectors.stock_balance_list()).form
    as_of = form.cleaned_data.get("as_of") if form.is_valid() else None
    base = selectors.stock_balance_list(as_of=as_of)
    state = list_state(
        request,
        base,
        filterset_class=StockBalanceFilterSet,
        search_fields=("item__imps_code", "item__description", "facility__code"),
        ordering_fields=("facility__code", "item__imps_code", "closing_lb", "closing_value", "last_movement_date"),
        ordering=("facility__code", "item__imps_code"),
    )
    by_facility = (
        base.values("facility__code")
        .annotate(lb=Sum("closing_lb"), value=Sum("closing_value"))
        .order_by("facility__code")
    )
    by_facility = list(by_facility)
    chart = bar_chart(
        "Stock value by facility",
        [f["facility__code"] for f in by_facility],
        {"value": [f["value"] for f in by_facility]},
    )
    context = {
        "state": state,
        "chart": chart if by_facility else None,
        "as_of": as_of or timezone.localdate(),
        "filters": state.filters.form if state.filters else None,
        "by_facility": by_facility,
        "can_post": request.user.has_perm("inventory.add_stockmovement"),
    }
    return render_page(request, "inventory/stock.html", context, partial="inventory/_stock_table.html")


@ui_view("inventory.view_stockmovement", "inventory.add_stockmovement")
def stock_post(request):
    """Post a receipt or an adjustment through stock_post, the service POST /stock-movements/ calls."""
    if request.method == "POST":
        form = StockPostForm(request.POST)
        if form.is_valid():
            posted = service_run(form, lambda: services.stock_post(**form.service_kwargs()))
            if posted is not None:
                first = posted[0]
                kind = "Receipt" if first.kind == MovementKind.RECEIPT else "Adjustment"
                messages.success(
                    request,
                    f"{kind} posted: {first.quantity_lb * first.direction:,} lb of {first.item.imps_code} "
                    f"at {first.facility.code}, lot {first.lot.code}.",
                )
                return redirect("ui-stock-movements-detail", first.pk)
        return render_page(request, "inventory/stock_post.html", {"form": form})
    initial = {"effective_date": timezone.localdate(), "kind": request.GET.get("kind", MovementKind.RECEIPT)}
    return render_page(request, "inventory/stock_post.html", {"form": StockPostForm(initial=initial)})
