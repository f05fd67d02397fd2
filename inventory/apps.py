from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    demo_seed_order = 20  # after sales' customers, before ledger, ATP and sales orders that use stock

    def demo_seed(self, silo) -> str:
        from inventory.demo import seed_inventory

        return seed_inventory(silo)
