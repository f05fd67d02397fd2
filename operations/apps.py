from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Production, transfers, goods receipts and valued stock postings: stock and books in one transaction."""

    name = "operations"
    demo_seed_order = 60  # after sales (50): the demo's stock and shipments exist, the books catch up once

    def demo_seed(self, silo) -> str:
        from operations.services.opening import inventory_opening_post

        entry = inventory_opening_post()
        return f"opening inventory entry {entry.number}" if entry else "inventory accounts reconcile"
