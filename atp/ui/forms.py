from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone

from cashsheet.ui.crud import DATE
from inventory.models import Facility
from inventory.ui.forms import ItemCodeField


class QuoteForm(forms.Form):
    """One ATP question: the phone page's form, and each order line's live quote."""

    item = ItemCodeField(label="Item (IMPS code)")
    quantity_lb = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), label="Pounds")
    facility = forms.ModelChoiceField(Facility.objects.filter(active=True).order_by("code"), label="Deliver at")
    delivery_date = forms.DateField(widget=DATE, label="Delivery date")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"delivery_date": timezone.localdate() + timedelta(days=2)})
        super().__init__(*args, **kwargs)
