"""Cutting patterns created and edited with their outputs (item and yield each, and their sum), through
cutting_pattern_create / cutting_pattern_update, the services POST/PATCH /api/v2/cutting-patterns/ call.
Yields are fractions of the input's weight (0.25 = 25 %); they sum to at most 1, the rest is shrink."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect

from cashsheet.api.exceptions import DomainError
from cashsheet.ui.shortcuts import render_page, ui_view
from inventory import selectors, services
from inventory.models import CuttingPattern, Facility
from inventory.ui.forms import ItemCodeField


class PatternForm(forms.ModelForm):
    input_item = ItemCodeField(label="Input item (IMPS code)")
    facilities = forms.ModelMultipleChoiceField(
        Facility.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Where it can be cut (plants that can break).",
    )  # fmt: skip

    class Meta:
        model = CuttingPattern
        fields = ["code", "name", "input_item", "process", "lead_time_days", "processing_cost_per_lb", "facilities"]
        labels = {"lead_time_days": "Lead time (days)", "processing_cost_per_lb": "Processing cost ($/lb input)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilities"].queryset = selectors.facility_list().filter(active=True, can_break=True)
        if self.instance.pk:
            self.initial["input_item"] = self.instance.input_item.imps_code

    def validate_unique(self):  # the service checks the code (409 naming it)
        return None

    def _post_clean(self):  # no model full_clean: the service validates and writes
        return None


class OutputForm(forms.Form):
    item = ItemCodeField(required=False, label="Output item (IMPS code)")
    yield_fraction = forms.DecimalField(max_digits=6, decimal_places=5, min_value=Decimal("0.00001"),
                                        max_value=Decimal(1), required=False, label="Yield (fraction)")  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("item") and data.get("yield_fraction") is None and "yield_fraction" not in self.errors:
            self.add_error("yield_fraction", "What fraction of the input?")
        if data.get("yield_fraction") is not None and not data.get("item") and "item" not in self.errors:
            self.add_error("item", "Which item?")
        return data


OutputFormSet = forms.formset_factory(OutputForm, extra=3, max_num=40, absolute_max=40)


def _page(request, form, formset, obj=None):
    filled = [f.cleaned_data for f in formset.forms if f.is_bound and f.is_valid() and f.cleaned_data.get("item")]
    total = sum((d["yield_fraction"] for d in filled), Decimal(0)) if formset.is_bound else None
    if obj is not None and not formset.is_bound:
        total = sum((o.yield_fraction for o in obj.outputs.all()), Decimal(0))
    items = selectors.item_list().filter(active=True).only("imps_code", "description").order_by("imps_code")
    context = {"form": form, "formset": formset, "object": obj, "yield_total": total,
               "shrink": 1 - total if total is not None else None, "items": items}  # fmt: skip
    return render_page(request, "inventory/pattern_form.html", context)


def _output_error(formset, field: str, detail: str) -> bool:
    match = re.fullmatch(r"outputs\.([0-9]+)\.([a-z_]+)", field or "")
    filled = [f for f in formset.forms if f.cleaned_data.get("item")]
    if match and int(match[1]) < len(filled):
        filled[int(match[1])].add_error(match[2] if match[2] in ("item", "yield_fraction") else None, detail)
        return True
    return False


def _save(request, obj=None):
    form = PatternForm(request.POST, instance=obj)
    formset = OutputFormSet(request.POST, prefix="outputs")
    if form.is_valid() and formset.is_valid():
        outputs = [{"item": f.cleaned_data["item"], "yield_fraction": f.cleaned_data["yield_fraction"]}
                   for f in formset.forms if f.cleaned_data.get("item")]  # fmt: skip
        data = {k: v for k, v in form.cleaned_data.items() if k != "facilities"}
        facilities = list(form.cleaned_data["facilities"])

        def write():
            if obj is None:
                return services.cutting_pattern_create(outputs=outputs, facilities=facilities, **data)
            return services.cutting_pattern_update(pattern=obj, outputs=outputs, facilities=facilities, **data)

        try:
            with transaction.atomic():
                saved = write()
        except DomainError as exc:
            saved = None  # a refusal naming an output goes beside it; the rest beside the pattern's field
            if not _output_error(formset, exc.field, exc.detail):
                form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
        if saved is not None:
            messages.success(request, f"Saved cutting pattern {saved.code}.")
            return redirect("ui-cutting-patterns-detail", saved.pk)
    return _page(request, form, formset, obj)


@ui_view("inventory.view_cuttingpattern", "inventory.add_cuttingpattern")
def pattern_new(request):
    if request.method == "POST":
        return _save(request)
    return _page(request, PatternForm(), OutputFormSet(prefix="outputs"))


@ui_view("inventory.view_cuttingpattern", "inventory.change_cuttingpattern")
def pattern_edit(request, pk: int):
    obj = get_object_or_404(selectors.cutting_pattern_list(), pk=pk)
    if request.method == "POST":
        return _save(request, obj)
    initial = [{"item": o.item.imps_code, "yield_fraction": o.yield_fraction} for o in obj.outputs.all()]
    formset = OutputFormSet(prefix="outputs", initial=initial)
    return _page(request, PatternForm(instance=obj, initial={"facilities": list(obj.facilities.all())}), formset, obj)
