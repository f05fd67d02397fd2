"""Writes for parties. The API, the silo UI, other apps' tests and the demo seeder call these.

A duplicate code (any case) or external_ref is a 409 naming the existing record; the database's
unique constraints still guard the race between two requests.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from cashsheet.api.services import ensure_unique_all, fields_check, model_save
from parties.models import Counterparty, Customer, Vendor


def _editable(model) -> frozenset[str]:
    """The fields a service may set: the model's editable columns (timestamps and id are not editable)."""
    return frozenset(f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key)


CUSTOMER_FIELDS = _editable(Customer)
VENDOR_FIELDS = _editable(Vendor)


def _check_unique(model: type[Counterparty], *, code: str | None, external_ref: str | None, instance=None) -> None:
    # external_ref first: it is the integration's key, so the 409's top-level existing_id is its holder.
    ensure_unique_all(
        [
            (model.objects.filter(external_ref=external_ref), "external_ref", external_ref),
            (model.objects.filter(code__iexact=code), "code", code),
        ],
        label=model._meta.verbose_name,
        exclude=instance,
    )


def _normalise(data: dict) -> dict:
    # A blank external_ref is "none", stored NULL so the unique-when-set constraint ignores it.
    if "external_ref" in data and not (data["external_ref"] or "").strip():
        data["external_ref"] = None
    return data


def _save(instance: Counterparty, data: dict, *, creating: bool):
    _check_unique(type(instance), code=data.get("code"), external_ref=data.get("external_ref"), instance=instance)
    return model_save(instance, data, creating=creating)


def _changes(data: dict, allowed: frozenset, label: str) -> dict:
    fields_check(data, allowed, label)
    return _normalise(dict(data))


# --- Customers ----------------------------------------------------------------------------------


@transaction.atomic
def customer_create(
    *,
    code: str,
    name: str,
    email: str = "",
    phone: str = "",
    billing_address: dict | None = None,
    shipping_address: dict | None = None,
    payment_terms_days: int = 30,
    credit_limit: Decimal = Decimal("0.00"),
    min_shelf_life_days: int | None = None,
    tax_id: str = "",
    external_ref: str | None = None,
    active: bool = True,
) -> Customer:
    data = {
        "code": code,
        "name": name,
        "email": email,
        "phone": phone,
        "billing_address": billing_address or {},
        "shipping_address": shipping_address or {},
        "payment_terms_days": payment_terms_days,
        "credit_limit": credit_limit,
        "min_shelf_life_days": min_shelf_life_days,
        "tax_id": tax_id,
        "external_ref": external_ref,
        "active": active,
    }
    return _save(Customer(), _normalise(data), creating=True)


@transaction.atomic
def customer_update(*, customer: Customer, **changes) -> Customer:
    """Change the given fields (any of CUSTOMER_FIELDS); the others keep their value."""
    return _save(customer, _changes(changes, CUSTOMER_FIELDS, "customer"), creating=False)


# --- Vendors ------------------------------------------------------------------------------------


@transaction.atomic
def vendor_create(
    *,
    code: str,
    name: str,
    contact_name: str = "",
    email: str = "",
    phone: str = "",
    address: dict | None = None,
    payment_terms_days: int = 30,
    tax_id: str = "",
    external_ref: str | None = None,
    active: bool = True,
) -> Vendor:
    data = {
        "code": code,
        "name": name,
        "contact_name": contact_name,
        "email": email,
        "phone": phone,
        "address": address or {},
        "payment_terms_days": payment_terms_days,
        "tax_id": tax_id,
        "external_ref": external_ref,
        "active": active,
    }
    return _save(Vendor(), _normalise(data), creating=True)


@transaction.atomic
def vendor_update(*, vendor: Vendor, **changes) -> Vendor:
    """Change the given fields (any of VENDOR_FIELDS); the others keep their value."""
    return _save(vendor, _changes(changes, VENDOR_FIELDS, "vendor"), creating=False)
