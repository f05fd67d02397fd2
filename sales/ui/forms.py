from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone

from cashsheet.ui.crud import DATE
from inventory.models import Facility
from inventory.ui.forms import ItemCodeField
from parties.models import Customer


class OrderForm(forms.Form):
    customer = forms.ModelChoiceField(Customer.objects.filter(active=True).order_by("code"))
    facility = forms.ModelChoiceField(Facility.objects.filter(active=True).order_by("code"), label="Ship from")
    delivery_date = forms.DateField(widget=DATE)
    external_ref = forms.CharField(max_length=100, required=False, label="External ref (PO number)")
    memo = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"delivery_date": timezone.localdate() + timedelta(days=2)})
        super().__init__(*args, **kwargs)


class LineForm(forms.Form):
    item = ItemCodeField(label="Item (IMPS code)", required=False)
    quantity_lb = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False,
                                     label="Pounds")  # fmt: skip
    price_per_lb = forms.DecimalField(max_digits=12, decimal_places=4, min_value=Decimal(0), required=False,
                                      label="Price $/lb", help_text="Blank: the item's list price.")  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("item") and data.get("quantity_lb") is None and "quantity_lb" not in self.errors:
            self.add_error("quantity_lb", "How many pounds?")
        if data.get("quantity_lb") is not None and not data.get("item") and "item" not in self.errors:
            self.add_error("item", "Which item?")
        return data


LineFormSet = forms.formset_factory(LineForm, extra=3, max_num=50, absolute_max=50)


class ShipLineForm(forms.Form):
    shipped_lb = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0), label="Shipped lb")


class ShipForm(forms.Form):
    ship_date = forms.DateField(widget=DATE, required=False, help_text="Blank: today.")
