"""Form fields the apps' screens share. This layer imports no domain app: each caller names its rows."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.db.models import QuerySet


class ItemCodeField(forms.CharField):
    """An item by IMPS code (the picker lists codes with their names); the cleaned value is the Item.

    `items` returns the items to look in: inventory passes its selector, the ledger (which may not import
    inventory) the model its own line's foreign key points at."""

    def __init__(self, *, items: Callable[[], QuerySet], **kwargs):
        self.items = items
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": "item-codes", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        item = self.items().filter(imps_code__iexact=code.strip(), active=True).first()
        if item is None:
            raise forms.ValidationError(f"No active item with IMPS code {code.strip()}.")
        return item
