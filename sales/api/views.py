from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from cashsheet.api.viewsets import ResourceViewSet
from sales import selectors, services
from sales.api.serializers import CustomerSerializer
from sales.filters import CustomerFilterSet

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


@extend_schema_view(
    list=extend_schema(summary="List customers", tags=["customers"]),
    retrieve=extend_schema(summary="Read a customer", tags=["customers"]),
    create=extend_schema(
        summary="Create a customer",
        tags=["customers"],
        examples=[CUSTOMER_EXAMPLE],
        description="A duplicate `code` or `external_ref` answers 409 with `existing_id`.",
    ),
    partial_update=extend_schema(summary="Update a customer", tags=["customers"]),
)
class CustomerViewSet(ResourceViewSet):
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilterSet
    search_fields = ["code", "name", "email", "external_ref"]
    ordering_fields = ["created_at", "updated_at", "id", "code", "name"]

    def get_queryset(self):
        return selectors.customer_list()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_create(**serializer.validated_data)
        return Response(self.get_serializer(customer).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        customer = self.get_object()
        serializer = self.get_serializer(customer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        customer = services.customer_update(customer=customer, **serializer.validated_data)
        return Response(self.get_serializer(customer).data)
