from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "sales"

    demo_seed_order = 50  # last: orders need parties, stock and the ledger's chart

    def ready(self):
        # trace and recall answer at /reports/{name}/ beside the ledger's reports. Until the shared report
        # registry exists in cashsheet/api/ (docs/operations.md "Reports"), they join the ledger's table.
        from ledger.reports import REPORTS
        from sales.reports import REPORTS as SALES_REPORTS

        REPORTS.update(SALES_REPORTS)

    def demo_seed(self, silo) -> str:
        from sales.demo import seed_sales_orders

        return seed_sales_orders(silo)
