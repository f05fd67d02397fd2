"""Demo data for webhooks: one example endpoint, inactive, so the demo silo shows the resource without
sending anything until someone points it at a receiver (PATCH url, active=true)."""

from webhooks.models import WebhookEndpoint
from webhooks.signing import secret_generate

DEMO_URL = "https://erp.example.com/hooks/cashsheet"


def seed_webhooks(silo) -> str:
    if WebhookEndpoint.objects.filter(url=DEMO_URL).exists():
        return "webhook endpoint already present"
    # Saved directly: example.com need not resolve on the demo machine, and the endpoint is inactive.
    WebhookEndpoint.objects.create(
        url=DEMO_URL,
        description="Example: point at your receiver, then PATCH active=true (POST .../test/ sends a ping)",
        events=["sales_order.confirmed", "invoice.posted", "invoice.paid"],
        active=False,
        secret=secret_generate(),
    )
    return "1 example webhook endpoint (inactive)"
