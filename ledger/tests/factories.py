"""Counterparties and items for ledger tests, made through their own apps' services."""

from cashsheet.testing import unique
from inventory.services import item_create
from parties.services import customer_create, vendor_create

__all__ = ["make_customer", "make_item", "make_vendor", "unique"]


def make_customer(**kw):
    code = kw.pop("code", None) or unique("C")
    return customer_create(code=code, name=kw.pop("name", f"Customer {code}"), **kw)


def make_vendor(**kw):
    code = kw.pop("code", None) or unique("V")
    return vendor_create(code=code, name=kw.pop("name", f"Vendor {code}"), **kw)


def make_item(**kw):
    code = kw.pop("imps_code", None) or unique("I")[:16]
    return item_create(imps_code=code, description=kw.pop("description", f"Item {code}"), category="subprimal", **kw)
