"""Writes for inventory master data: facilities, transfer lanes, items, cutting patterns."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from cashsheet.api.exceptions import Conflict, InvalidInput
from cashsheet.api.services import ensure_unique, fields_check, model_save
from inventory.locks import item_lock
from inventory.models import (
    DEFAULT_LEAD_TIME_DAYS,
    Category,
    CuttingPattern,
    CuttingPatternOutput,
    Facility,
    Item,
    Process,
    StockMovement,
    TransferLane,
)

FACILITY_FIELDS = frozenset(
    {"code", "name", "address", "timezone", "can_break", "breaking_capacity_lb", "fabrication_capacity_lb", "active"}
)
LANE_FIELDS = frozenset({"from_facility", "to_facility", "lead_time_days", "cost_per_lb", "active"})
ITEM_FIELDS = frozenset(
    {
        "imps_code",
        "description",
        "species",
        "category",
        "grade",
        "list_price_per_lb",
        "standard_cost_per_lb",
        "shelf_life_days",
        "frozen_shelf_life_days",
        "active",
    }
)
# (chilled, frozen) shelf-life days when an item is created without them: vacuum-packed chilled beef
# primals and subprimals keep 35-45 days, trim and by-products far less; frozen, months.
SHELF_LIFE_BY_CATEGORY = {
    "carcass": (14, 365),
    "primal": (35, 365),
    "subprimal": (40, 365),
    "trim": (10, 270),
    "by-product": (7, 180),
}
PATTERN_FIELDS = frozenset(
    {"code", "name", "input_item", "process", "lead_time_days", "processing_cost_per_lb", "active"}
)


# --- Facilities ---------------------------------------------------------------------------------


@transaction.atomic
def facility_create(**data) -> Facility:
    fields_check(data, FACILITY_FIELDS, "facility")
    data["code"] = data["code"].strip().upper()
    ensure_unique(Facility.objects.filter(code=data["code"]), field="code", value=data["code"], label="facility")
    return model_save(Facility(), data, creating=True)


@transaction.atomic
def facility_update(*, facility: Facility, **data) -> Facility:
    fields_check(data, FACILITY_FIELDS, "facility")
    if "code" in data:
        data["code"] = data["code"].strip().upper()
        ensure_unique(
            Facility.objects.filter(code=data["code"]),
            field="code",
            value=data["code"],
            label="facility",
            exclude=facility,
        )
    return model_save(facility, data, creating=False)


# --- Transfer lanes -----------------------------------------------------------------------------


def _lane_check(*, from_facility: Facility, to_facility: Facility, instance: TransferLane | None = None) -> None:
    if from_facility.pk == to_facility.pk:
        raise InvalidInput("A lane joins two different facilities.", field="to_facility")
    existing = TransferLane.objects.filter(from_facility=from_facility, to_facility=to_facility)
    ensure_unique(
        existing,
        field="to_facility",
        value=f"{from_facility.code}->{to_facility.code}",
        label="transfer lane",
        exclude=instance,
    )


@transaction.atomic
def transfer_lane_create(**data) -> TransferLane:
    fields_check(data, LANE_FIELDS, "transfer lane")
    _lane_check(from_facility=data["from_facility"], to_facility=data["to_facility"])
    return model_save(TransferLane(), data, creating=True)


@transaction.atomic
def transfer_lane_update(*, lane: TransferLane, **data) -> TransferLane:
    fields_check(data, LANE_FIELDS, "transfer lane")
    if "from_facility" in data or "to_facility" in data:
        _lane_check(
            from_facility=data.get("from_facility", lane.from_facility),
            to_facility=data.get("to_facility", lane.to_facility),
            instance=lane,
        )
    return model_save(lane, data, creating=False)


# --- Items --------------------------------------------------------------------------------------


@transaction.atomic
def item_create(**data) -> Item:
    fields_check(data, ITEM_FIELDS, "item")
    data["imps_code"] = data["imps_code"].strip().upper()
    ensure_unique(
        Item.objects.filter(imps_code__iexact=data["imps_code"]),
        field="imps_code",
        value=data["imps_code"],
        label="item",
    )
    chilled, frozen = SHELF_LIFE_BY_CATEGORY.get(data.get("category"), (40, 365))
    data.setdefault("shelf_life_days", chilled)
    data.setdefault("frozen_shelf_life_days", frozen)
    return model_save(Item(), data, creating=True)


@transaction.atomic
def item_update(*, item: Item, **data) -> Item:
    """Update an item. Its imps_code is frozen once any stock of it has moved (409).

    Stock, orders and reports refer to items by imps_code; renaming one under existing movements
    would silently re-label history.
    """
    fields_check(data, ITEM_FIELDS, "item")
    if "imps_code" in data:
        data["imps_code"] = data["imps_code"].strip().upper()
        if data["imps_code"] != item.imps_code:
            item_lock(item_id=item.pk)
            if StockMovement.objects.filter(item_id=item.pk).exists():
                raise Conflict(
                    f"imps_code of {item.imps_code} cannot change: stock of it has moved.",
                    field="imps_code",
                )
            ensure_unique(
                Item.objects.filter(imps_code__iexact=data["imps_code"]),
                field="imps_code",
                value=data["imps_code"],
                label="item",
                exclude=item,
            )
        else:
            del data["imps_code"]
    return model_save(item, data, creating=False)


# --- Cutting patterns ---------------------------------------------------------------------------


def _pattern_validate(*, input_item: Item, outputs: list[dict] | None, facilities: list[Facility] | None) -> None:
    """Yields: each > 0, no item twice, not the input itself, sum <= 1 (the rest is shrink)."""
    if outputs is not None:
        if not outputs:
            raise InvalidInput("A cutting pattern needs at least one output.", field="outputs")
        seen: set[int] = set()
        total = Decimal("0")
        for index, output in enumerate(outputs):
            item, fraction = output["item"], output["yield_fraction"]
            if not 0 < fraction <= 1:
                raise InvalidInput(
                    "yield_fraction must be greater than 0 and at most 1.", field=f"outputs.{index}.yield_fraction"
                )
            if item.pk == input_item.pk:
                raise InvalidInput("An output cannot be the input item.", field=f"outputs.{index}.item")
            if item.pk in seen:
                raise InvalidInput(f"{item.imps_code} is listed twice.", field=f"outputs.{index}.item")
            seen.add(item.pk)
            total += fraction
        if total > 1:
            raise InvalidInput(
                f"Output yields sum to {total}; they may not exceed 1 (the remainder is shrink).",
                field="outputs",
                yield_total=str(total),
            )
    for index, facility in enumerate(facilities or []):
        if not facility.can_break:
            raise InvalidInput(f"{facility.code} cannot break carcasses or primals.", field=f"facilities.{index}")


def _pattern_set_children(pattern: CuttingPattern, outputs: list[dict] | None, facilities: list | None) -> None:
    if outputs is not None:
        pattern.outputs.all().delete()
        CuttingPatternOutput.objects.bulk_create(
            [CuttingPatternOutput(pattern=pattern, item=o["item"], yield_fraction=o["yield_fraction"]) for o in outputs]
        )
    if facilities is not None:
        pattern.facilities.set(facilities)


@transaction.atomic
def cutting_pattern_create(*, outputs: list[dict], facilities: list[Facility] | None = None, **data) -> CuttingPattern:
    """Create a pattern with its outputs ([{"item": Item, "yield_fraction": Decimal}]) and facilities."""
    fields_check(data, PATTERN_FIELDS, "cutting pattern")
    data["code"] = data["code"].strip().upper()
    ensure_unique(
        CuttingPattern.objects.filter(code__iexact=data["code"]), field="code", value=data["code"], label="pattern"
    )
    _pattern_validate(input_item=data["input_item"], outputs=outputs, facilities=facilities)
    # Unless told: a carcass (or side) is broken, anything else fabricated; the lead time follows the process.
    data.setdefault(
        "process", Process.BREAKING if data["input_item"].category == Category.CARCASS else Process.FABRICATION
    )
    data.setdefault("lead_time_days", DEFAULT_LEAD_TIME_DAYS[Process(data["process"])])
    pattern = model_save(CuttingPattern(), data, creating=True)
    _pattern_set_children(pattern, outputs, facilities or [])
    return pattern


@transaction.atomic
def cutting_pattern_update(
    *, pattern: CuttingPattern, outputs: list[dict] | None = None, facilities: list[Facility] | None = None, **data
) -> CuttingPattern:
    """Update a pattern; `outputs` or `facilities`, when given, replace the current ones."""
    fields_check(data, PATTERN_FIELDS, "cutting pattern")
    if "code" in data:
        data["code"] = data["code"].strip().upper()
        ensure_unique(
            CuttingPattern.objects.filter(code__iexact=data["code"]),
            field="code",
            value=data["code"],
            label="pattern",
            exclude=pattern,
        )
    if "process" in data and "lead_time_days" not in data:
        data["lead_time_days"] = DEFAULT_LEAD_TIME_DAYS[Process(data["process"])]
    input_item = data.get("input_item", pattern.input_item)
    if outputs is None and "input_item" in data:
        outputs_check = [{"item": o.item, "yield_fraction": o.yield_fraction} for o in pattern.outputs.all()]
        _pattern_validate(input_item=input_item, outputs=outputs_check, facilities=facilities)
    else:
        _pattern_validate(input_item=input_item, outputs=outputs, facilities=facilities)
    pattern = model_save(pattern, data, creating=False)
    _pattern_set_children(pattern, outputs, facilities)
    return pattern
