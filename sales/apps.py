from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "sales"
    demo_seed_order = 10  # customers first: every later seeder may point at them

    def demo_seed(self, silo) -> str:
        from sales.demo import seed_customers

        return seed_customers(silo)
