"""Ledger fixtures. Counterparties and items belong to other apps: created through the app registry,
never by importing sales/ or inventory/ code."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

from conftest import unique


def make_customer(**kw):
    code = kw.pop("code", None) or unique("C")
    return apps.get_model("sales", "Customer").objects.create(code=code, name=f"Customer {code}", **kw)


def make_vendor(**kw):
    code = kw.pop("code", None) or unique("V")
    return apps.get_model("inventory", "Vendor").objects.create(code=code, name=f"Vendor {code}", **kw)


def make_item(**kw):
    code = kw.pop("imps_code", None) or unique("I")[:16]
    return apps.get_model("inventory", "Item").objects.create(
        imps_code=code, description=f"Item {code}", category="subprimal", **kw
    )


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


D = Decimal
TODAY = date(2026, 3, 2)
