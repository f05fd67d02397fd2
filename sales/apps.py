from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "sales"

    def demo_steps(self):
        """Customers first (everything points at them); orders last, once stock and the ledger exist."""
        from sales.demo import seed_customers, seed_sales_orders

        return [(10, "sales.customers", seed_customers), (50, "sales.orders", seed_sales_orders)]
