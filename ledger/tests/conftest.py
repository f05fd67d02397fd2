"""Ledger fixtures (counterparties come from ledger.tests.factories)."""

import pytest

from ledger.tests.factories import make_customer, make_item, make_vendor


@pytest.fixture
def customer(silo):
    return make_customer(payment_terms_days=30)


@pytest.fixture
def other_customer(silo):
    return make_customer()


@pytest.fixture
def vendor(silo):
    return make_vendor(payment_terms_days=15)


@pytest.fixture
def item(silo):
    return make_item()


@pytest.fixture
def roles(silo):
    """The default chart's system accounts, by role."""
    from ledger.models import Account

    return {a.role: a for a in Account.objects.exclude(role=None)}


@pytest.fixture
def account(silo):
    """Look up a default-chart account by code."""
    from ledger.models import Account

    return lambda code: Account.objects.get(code=code)
