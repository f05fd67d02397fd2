from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class WebhooksConfig(AppConfig):
    name = "webhooks"
    demo_seed_order = 90  # after the domain apps: nothing depends on it

    def ready(self):
        # Every app registers its event types from its own events.py (see webhooks/events.py).
        autodiscover_modules("events")

    def demo_seed(self, silo) -> str:
        from webhooks.demo import seed_webhooks

        return seed_webhooks(silo)
