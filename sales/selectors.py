"""Reads for sales: querysets with their joins applied, so list endpoints run a fixed query count."""

from django.db.models import QuerySet

from sales.models import Customer


def customer_list() -> QuerySet[Customer]:
    return Customer.objects.all()
