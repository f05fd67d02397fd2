from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view

from cashsheet.api.viewsets import ResourceViewSet
from parties import selectors, services
from parties.api.serializers import CustomerSerializer, VendorSerializer
from parties.filters import CustomerFilterSet, VendorFilterSet

CUSTOMER_EXAMPLE = OpenApiExample(
    "Customer",
    value={
        "code": "ACME",
        "name": "Acme Steakhouse Group",
        "email": "ap" + "@" + "acme.example.com",
        "payment_terms_days": 30,
        "credit_limit": "50000.00",
        "external_ref": "crm-0042",
        "billing_address": {
            "line1": "1 Main St",
            "city": "Omaha",
            "region": "NE",
            "postal_code": "68102",
            "country": "US",
        },
    },
    request_only=True,
)
VENDOR_EXAMPLE = OpenApiExample(
    "Vendor",
    value={
        "code": "SANDHILLS",
        "name": "Sandhills Cattle Co.",
        "contact_name": "Dana Reyes",
        "email": "ap" + "@" + "sandhills.example.com",
        "payment_terms_days": 14,
        "external_ref": "ap-0042",
    },
    request_only=True,
)
DUPLICATE = "A duplicate `code` (any case) or `external_ref` answers 409 with `existing_id`."


def _schema(resource: str, tag: str, example: OpenApiExample):
    return extend_schema_view(
        list=extend_schema(summary=f"List {resource}s", tags=[tag]),
        retrieve=extend_schema(summary=f"Read a {resource}", tags=[tag]),
        create=extend_schema(summary=f"Create a {resource}", tags=[tag], examples=[example], description=DUPLICATE),
        partial_update=extend_schema(summary=f"Update a {resource}", tags=[tag], examples=[example]),
    )


@_schema("customer", "customers", CUSTOMER_EXAMPLE)
class CustomerViewSet(ResourceViewSet):
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilterSet
    search_fields = ["code", "name", "email", "external_ref"]
    ordering_fields = ["created_at", "updated_at", "id", "code", "name"]

    def get_queryset(self):
        return selectors.customer_list()

    def create_service(self, data):
        return services.customer_create(**data)

    def update_service(self, instance, data):
        return services.customer_update(customer=instance, **data)


@_schema("vendor", "vendors", VENDOR_EXAMPLE)
class VendorViewSet(ResourceViewSet):
    serializer_class = VendorSerializer
    filterset_class = VendorFilterSet
    search_fields = ["code", "name", "email", "external_ref"]
    ordering_fields = ["created_at", "updated_at", "id", "code", "name"]

    def get_queryset(self):
        return selectors.vendor_list()

    def create_service(self, data):
        return services.vendor_create(**data)

    def update_service(self, instance, data):
        return services.vendor_update(vendor=instance, **data)
