"""Writes for sales. Views call these; so does the silo UI and the demo seeder."""

from django.db import transaction

from cashsheet.counterparty import counterparty_check_unique
from sales.models import Customer

CUSTOMER_FIELDS = frozenset(
    {
        "code",
        "name",
        "email",
        "phone",
        "billing_address",
        "shipping_address",
        "payment_terms_days",
        "credit_limit",
        "min_shelf_life_days",
        "tax_id",
        "external_ref",
        "active",
    }
)


@transaction.atomic
def customer_create(**data) -> Customer:
    unknown = set(data) - CUSTOMER_FIELDS
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    counterparty_check_unique(Customer, code=data.get("code"), external_ref=data.get("external_ref"))
    customer = Customer(**data)
    customer.full_clean(validate_constraints=False)
    customer.save()
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, **data) -> Customer:
    unknown = set(data) - CUSTOMER_FIELDS
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    counterparty_check_unique(Customer, code=data.get("code"), external_ref=data.get("external_ref"), instance=customer)
    for name, value in data.items():
        setattr(customer, name, value)
    customer.full_clean(validate_constraints=False)
    customer.save(update_fields=[*data.keys(), "updated_at"])
    return customer
