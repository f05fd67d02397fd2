from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "sales"

    demo_seed_order = 50  # last: orders need parties, stock and the ledger's chart

    def demo_seed(self, silo) -> str:
        from sales.demo import seed_sales_orders

        return seed_sales_orders(silo)
