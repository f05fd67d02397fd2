"""Counterparties and items for ledger tests. They belong to other apps: created through the app registry,
never by importing sales/ or inventory/ code."""

import itertools
import uuid

from django.apps import apps

_counter = itertools.count(1)


def unique(prefix: str = "T") -> str:
    return f"{prefix}{next(_counter)}{uuid.uuid4().hex[:6].upper()}"


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
