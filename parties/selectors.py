"""Reads for parties: what other apps use to find customers and vendors (never their models' managers)."""

from django.db.models import QuerySet

from parties.models import Customer, Vendor


def customer_list() -> QuerySet[Customer]:
    return Customer.objects.all()


def vendor_list() -> QuerySet[Vendor]:
    return Vendor.objects.all()
