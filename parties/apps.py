from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "parties"
    demo_seed_order = 10  # first: orders, invoices and bills point at customers and vendors

    def demo_seed(self, silo) -> str:
        from parties.demo import seed_parties

        return seed_parties(silo)
