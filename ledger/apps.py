from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ledger"
    silo_initialize_order = 30
    demo_seed_order = 30  # after customers (sales, 10) and vendors (inventory, 20)

    def silo_initialize(self, silo) -> None:
        """Install the default meat-processor chart in the new silo (runs per silo, after the clone)."""
        from ledger.services import chart_install

        chart_install()

    def demo_seed(self, silo) -> str:
        from ledger.demo import seed_ledger

        return seed_ledger(silo)
