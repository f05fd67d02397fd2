"""What a screen reader and a keyboard need, on every silo UI page (issue 15/16): one <h1>; every <th> with a
scope; every field with a label; buttons in table rows whose names say which row (no two alike)."""

import re
from html.parser import HTMLParser

from cashsheet.testing.ui import ui_client
from tests.test_ui_query_counts import PINNED, _grow, base  # noqa: F401 - a world of every kind of row

DETAILS = ["customers", "vendors", "items", "facilities", "transfer-lanes", "cutting-patterns", "stock-movements",
           "lots", "sales-orders", "invoices", "bills", "receipts", "payments", "journal-entries", "periods",
           "production-orders", "transfer-orders", "lp-runs"]  # fmt: skip
FORMS = ["/customers/new/", "/items/new/", "/cutting-patterns/new/", "/sales-orders/new/", "/invoices/new/",
         "/bills/new/", "/receipts/new/", "/payments/new/", "/journal-entries/new/", "/production-orders/new/",
         "/transfer-orders/new/", "/lp-runs/start/", "/stock/post/", "/atp/", "/", "/reports/ar-aging/",
         "/profile/password/", "/settings/users/new/", "/settings/webhooks/new/"]  # fmt: skip


class Audit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.problems: list[str] = []
        self.labels: set[str] = set()
        self.fields: list[tuple[str, dict]] = []
        self.in_label = 0
        self.row_depth = 0
        self.button: list[str] | None = None
        self.row_buttons: list[str] = []
        self.tbody = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h1":
            self.h1 += 1
        elif tag == "th" and a.get("scope") not in ("col", "row", "colgroup", "rowgroup"):
            self.problems.append(f"<th> without scope: {a}")
        elif tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.labels.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            kind = a.get("type", "text")
            if kind not in ("hidden", "submit", "button") and not (self.in_label or a.get("aria-label")
                                                                   or a.get("aria-labelledby")):  # fmt: skip
                self.fields.append((a.get("id") or "", a))
        elif tag == "tbody":
            self.tbody += 1
        elif tag == "button" and self.tbody:
            self.button = []

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1
        elif tag == "tbody":
            self.tbody -= 1
        elif tag == "button" and self.button is not None:
            self.row_buttons.append(" ".join("".join(self.button).split()))
            self.button = None

    def handle_data(self, data):
        if self.button is not None:
            self.button.append(data)

    def verdict(self) -> list[str]:
        out = list(self.problems)
        if self.h1 != 1:
            out.append(f"{self.h1} <h1> elements")
        out += [f"field without a label: {attrs}" for id_, attrs in self.fields if id_ not in self.labels]
        seen = set()
        for name in self.row_buttons:
            if name in seen:
                out.append(f"two row buttons named {name!r}: say which row")
            seen.add(name)
        return out


def test_every_page_is_labelled_scoped_and_names_its_row_buttons(silo, make_user, base):  # noqa: F811
    from django.apps import apps

    _grow(2, base)
    client = ui_client(silo, make_user(superuser=True))
    paths = list(PINNED) + FORMS
    for key in DETAILS:
        found = re.search(rf'href="/{key}/([0-9]+)/"', client.get(f"/{key}/").content.decode())
        if found:
            paths.append(f"/{key}/{found[1]}/")
    assert apps.is_installed("operations") and len(paths) > 50
    failures = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        audit = Audit()
        audit.feed(response.content.decode())
        if problems := audit.verdict():
            failures[path] = problems[:3]
    assert not failures, failures


def test_the_audit_catches_what_it_looks_for():
    audit = Audit()
    rows = "<tr><th>x</th><td><button>Revoke</button></td></tr><tr><td><button>Revoke</button></td></tr>"
    audit.feed(f'<h1>A</h1><table><tbody>{rows}</tbody></table><input id="q"><label for="ok">Ok</label><input id="ok">')
    problems = audit.verdict()
    assert len(problems) == 3, problems
    assert any("scope" in p for p in problems) and any("'q'" in p for p in problems)
    assert any("say which row" in p for p in problems)
