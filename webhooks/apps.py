from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    demo_seed_order = 90  # after the domain apps: nothing depends on it

    def demo_seed(self, silo) -> str:
        from webhooks.demo import seed_webhooks

        return seed_webhooks(silo)
