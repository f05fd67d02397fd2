from decimal import Decimal

from django import forms
from django.utils import timezone

from cashsheet.ui.crud import DATE
from inventory import selectors as inventory
from inventory.ui.forms import ItemCodeField

POUNDS = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.01")}


class ProductionOrderForm(forms.Form):
    pattern = forms.ModelChoiceField(inventory.cutting_pattern_list().none(), label="Cutting pattern")
    facility = forms.ModelChoiceField(inventory.facility_list().none(), label="Plant")
    production_date = forms.DateField(widget=DATE)
    planned_input_lb = forms.DecimalField(**POUNDS, label="Planned input lb")
    memo = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"production_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["pattern"].queryset = inventory.cutting_pattern_list().filter(active=True).order_by("code")
        self.fields["pattern"].label_from_instance = lambda p: f"{p.code} · {p.name}" if p.name else p.code
        self.fields["facility"].queryset = (
            inventory.facility_list().filter(active=True, can_break=True).order_by("code")
        )


class CompleteForm(forms.Form):
    """The actual lb of each planned output (and, optionally, the code of the lot it makes)."""

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        for out in order.outputs.all():
            code = out.item.imps_code
            self.fields[f"actual_{out.item_id}"] = forms.DecimalField(
                max_digits=12, decimal_places=2, min_value=Decimal(0), label=f"Actual lb of {code}",
                initial=out.planned_lb, help_text=f"Planned {out.planned_lb} lb ({out.yield_fraction:.2%}).",
            )  # fmt: skip
            self.fields[f"lot_{out.item_id}"] = forms.CharField(
                max_length=60, required=False, label=f"Lot code of {code}", help_text="Blank: a generated code."
            )

    def rows(self):
        return [(o, [self[f"actual_{o.item_id}"], self[f"lot_{o.item_id}"]]) for o in self.order.outputs.all()]

    def outputs(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"item": o.item, "actual_lb": data[f"actual_{o.item_id}"], "lot_code": data.get(f"lot_{o.item_id}") or ""}
            for o in self.order.outputs.all()
        ]


class TransferOrderForm(forms.Form):
    lane = forms.ModelChoiceField(inventory.transfer_lane_list().none())
    item = ItemCodeField(label="Item (IMPS code)")
    quantity_lb = forms.DecimalField(**POUNDS, label="Pounds")
    ship_date = forms.DateField(widget=DATE)
    memo = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"ship_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        lanes = inventory.transfer_lane_list().filter(active=True).select_related("from_facility", "to_facility")
        self.fields["lane"].queryset = lanes.order_by("from_facility__code", "to_facility__code")
        self.fields["lane"].label_from_instance = lambda lane: (
            f"{lane.from_facility.code} → {lane.to_facility.code} ({lane.lead_time_days} d)"
        )


class ShipForm(forms.Form):
    ship_date = forms.DateField(widget=DATE, required=False, help_text="Blank: the planned ship date.")


class ReceiveForm(forms.Form):
    received_date = forms.DateField(widget=DATE, required=False, help_text="Blank: today.")
