from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Production, transfers, goods receipts and valued stock postings: stock and books in one transaction."""

    name = "operations"
