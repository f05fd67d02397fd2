import zoneinfo
from decimal import Decimal

from django import forms

from cashsheet.ui import fields
from cashsheet.ui.crud import ServiceModelForm
from inventory import selectors
from inventory.models import Facility, Item, LotState, MovementKind, TransferLane
from parties.models import Vendor


class ItemCodeField(fields.ItemCodeField):
    """An item by IMPS code among the silo's items; the cleaned value is the Item."""

    def __init__(self, **kwargs):
        super().__init__(items=selectors.item_list, **kwargs)


class FacilityForm(ServiceModelForm):
    class Meta:
        model = Facility
        fields = ["code", "name", "timezone", "can_break", "breaking_capacity_lb", "fabrication_capacity_lb"]
        labels = {"breaking_capacity_lb": "Breaking capacity (lb/day)",
                  "fabrication_capacity_lb": "Fabrication capacity (lb/day)"}  # fmt: skip

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not code.replace("_", "").replace("-", "").isalnum():
            raise forms.ValidationError("Use letters, digits, '-' or '_' only, e.g. BLYTHE.")
        return code

    def clean_timezone(self):
        value = self.cleaned_data["timezone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(f"'{value}' is not an IANA time zone, e.g. America/Chicago.")
        return value


class ItemForm(ServiceModelForm):
    class Meta:
        model = Item
        fields = ["imps_code", "description", "species", "category", "grade", "list_price_per_lb",
                  "standard_cost_per_lb", "shelf_life_days", "frozen_shelf_life_days"]  # fmt: skip
        labels = {"imps_code": "IMPS code", "list_price_per_lb": "List price ($/lb)",
                  "standard_cost_per_lb": "Standard cost ($/lb)", "shelf_life_days": "Shelf life, chilled (days)",
                  "frozen_shelf_life_days": "Shelf life, frozen (days)"}  # fmt: skip


class TransferLaneForm(ServiceModelForm):
    class Meta:
        model = TransferLane
        fields = ["from_facility", "to_facility", "lead_time_days", "cost_per_lb"]
        labels = {"lead_time_days": "Lead time (days)", "cost_per_lb": "Freight ($/lb)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("from_facility", "to_facility"):
            self.fields[name].queryset = Facility.objects.filter(active=True).order_by("code")


POST_KINDS = [(MovementKind.RECEIPT, "Receipt (into stock)"), ("adjustment_in", "Adjustment: add"),
              ("adjustment_out", "Adjustment: remove")]  # fmt: skip


class StockPostForm(forms.Form):
    """A receipt or an adjustment, as POST /stock-movements/ takes them (stock_post does the checking)."""

    kind = forms.ChoiceField(choices=POST_KINDS, label="What")
    facility = forms.ModelChoiceField(Facility.objects.filter(active=True).order_by("code"))
    item = forms.ModelChoiceField(Item.objects.filter(active=True).order_by("imps_code"))
    quantity_lb = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), label="Pounds")
    effective_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    unit_cost_per_lb = forms.DecimalField(
        max_digits=12, decimal_places=4, min_value=Decimal(0), required=False, label="Unit cost ($/lb)",
        help_text="Receipts and additions: the cost per lb (default: the average cost).",
    )  # fmt: skip
    lot_code = forms.CharField(max_length=60, required=False, label="Lot code",
                               help_text="A receipt: a new code creates the lot (blank: one is generated). "
                               "Removal: the lot to take from (blank: first-expired-first-out).")  # fmt: skip
    use_by_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Use by",
                                  help_text="A new lot: default the item's shelf life.")  # fmt: skip
    state = forms.ChoiceField(choices=[("", "—"), *LotState.choices], required=False, label="Lot state")
    vendor = forms.ModelChoiceField(Vendor.objects.filter(active=True).order_by("code"), required=False)
    memo = forms.CharField(max_length=500, required=False)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kind, direction = data["kind"], None
        if kind.startswith("adjustment"):
            kind, direction = MovementKind.ADJUSTMENT, 1 if kind == "adjustment_in" else -1
        details = {"use_by_date": data["use_by_date"], "state": data["state"], "vendor": data["vendor"]}
        return {
            "facility": data["facility"],
            "item": data["item"],
            "kind": kind,
            "direction": direction,
            "quantity_lb": data["quantity_lb"],
            "effective_date": data["effective_date"],
            "unit_cost_per_lb": data["unit_cost_per_lb"] if direction != -1 else None,
            "lot_code": data["lot_code"],
            "lot_details": {k: v for k, v in details.items() if v not in (None, "")},
            "memo": data["memo"],
        }
