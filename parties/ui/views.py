"""Customers and vendors: list with search, filters, ordering and paging; detail; create, edit, deactivate."""

from cashsheet.ui.crud import Column, Resource
from parties import selectors, services
from parties.filters import CustomerFilterSet, VendorFilterSet
from parties.models import Customer, Vendor
from parties.ui.forms import CustomerForm, VendorForm


def _address(value: dict) -> str:
    parts = [value.get(k) for k in ("line1", "line2", "city", "region", "postal_code", "country")]
    return ", ".join(p for p in parts if p)


COMMON_DETAIL = [
    ("Code", "code"),
    ("Name", "name"),
    ("Email", "email"),
    ("Phone", "phone"),
    ("Payment terms (days)", "payment_terms_days"),
    ("Tax id", "tax_id"),
    ("External ref", "external_ref"),
    ("Active", "active"),
]
COLUMNS = [
    Column("Code", "code", order="code", link=True),
    Column("Name", "name", order="name"),
    Column("Email", "email"),
    Column("Terms (days)", "payment_terms_days", num=True),
    Column("Active", "active"),
]

customers = Resource(
    key="customers",
    singular="customer",
    title="Customers",
    model=Customer,
    selector=selectors.customer_list,
    columns=[*COLUMNS[:4], Column("Credit limit", "credit_limit", num=True), COLUMNS[4]],
    form_class=CustomerForm,
    create=lambda data: services.customer_create(**data),
    update=lambda obj, data: services.customer_update(customer=obj, **data),
    filterset_class=CustomerFilterSet,
    filter_names=("active",),
    search_fields=("code", "name", "email", "external_ref"),
    search_help="code, name, email",
    ordering_fields=("created_at", "updated_at", "code", "name"),
    ordering=("code",),
    detail_fields=[
        *COMMON_DETAIL[:5],
        ("Credit limit", "credit_limit"),
        ("Minimum shelf life (days)", "min_shelf_life_days"),
        ("Billing address", lambda c: _address(c.billing_address)),
        ("Shipping address", lambda c: _address(c.shipping_address)),
        *COMMON_DETAIL[5:],
    ],
    label=lambda c: c.code,
)

vendors = Resource(
    key="vendors",
    singular="vendor",
    title="Vendors",
    model=Vendor,
    selector=selectors.vendor_list,
    columns=[*COLUMNS[:2], Column("Contact", "contact_name"), *COLUMNS[2:]],
    form_class=VendorForm,
    create=lambda data: services.vendor_create(**data),
    update=lambda obj, data: services.vendor_update(vendor=obj, **data),
    filterset_class=VendorFilterSet,
    filter_names=("active",),
    search_fields=("code", "name", "email", "external_ref"),
    search_help="code, name, email",
    ordering_fields=("created_at", "updated_at", "code", "name"),
    ordering=("code",),
    detail_fields=[
        *COMMON_DETAIL[:2],
        ("Contact", "contact_name"),
        *COMMON_DETAIL[2:5],
        ("Address", lambda v: _address(v.address)),
        *COMMON_DETAIL[5:],
    ],
    label=lambda v: v.code,
)
