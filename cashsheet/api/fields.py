"""Shared field definitions: money and weights are Decimal with fixed places, never float."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from rest_framework import serializers

MONEY_DIGITS, MONEY_PLACES = 14, 2
WEIGHT_DIGITS, WEIGHT_PLACES = 12, 2
UNIT_PRICE_DIGITS, UNIT_PRICE_PLACES = 12, 4  # per-lb prices and costs carry 4 places
CENT = Decimal("0.01")


def quantize(value, places: int = 2) -> Decimal:
    """The one rounding helper: half-up to `places` decimals."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def MoneyField(**kwargs) -> models.DecimalField:  # noqa: N802 - reads like a field class
    return models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs)


def WeightField(**kwargs) -> models.DecimalField:  # noqa: N802
    return models.DecimalField(max_digits=WEIGHT_DIGITS, decimal_places=WEIGHT_PLACES, **kwargs)


def UnitPriceField(**kwargs) -> models.DecimalField:  # noqa: N802
    return models.DecimalField(max_digits=UNIT_PRICE_DIGITS, decimal_places=UNIT_PRICE_PLACES, **kwargs)


class NullableCharField(serializers.CharField):
    """A string that is stored as NULL when blank, so `unique when set` constraints work."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        # CharField returns "" before to_internal_value runs, so blank is mapped here.
        value = super().run_validation(data)
        return value or None
