"""The mixed workload bench/cluster.py runs with locust (headless): the help page's integrations, 20 silos.

Kinds (locust request names): crm-upsert / crm-pull (customers by external_ref, updated_since),
portal-create / portal-confirm / portal-ship / portal-invoice (an order's life), bi-invoices /
bi-payments / bi-report-csv, atp-check, and greedy (one token deliberately over its limit).

Every response is appended to $CLUSTER_REQUESTS as a JSON line (time, kind, status, latency, node), and
every accepted write to $CLUSTER_WRITES (order, transition, invoice with its total): the after-checks
compare the database with these logs. Writes carry an Idempotency-Key and are retried with the same key
after a connection error, 502, 503 or 504, as a careful integration does; a retry is never a duplicate.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

from locust import FastHttpUser, between, events, task

with open(os.environ["CLUSTER_WORKLOAD"]) as f:
    WORKLOAD = json.load(f)
SILOS = WORKLOAD["silos"]
_requests = open(os.environ["CLUSTER_REQUESTS"], "a", buffering=1)  # noqa: SIM115
_writes = open(os.environ["CLUSTER_WRITES"], "a", buffering=1)  # noqa: SIM115
_silo_cycle = itertools.cycle(range(len(SILOS)))
RETRY = {0, 502, 503, 504}


def today():
    return datetime.now(UTC).date()  # the app's dates are UTC (TIME_ZONE = "UTC")


@events.request.add_listener
def _log(request_type, name, response_time, response_length, response=None, exception=None, context=None, **kw):
    status = getattr(response, "status_code", 0) or 0
    headers = getattr(response, "headers", None) or {}
    record = {
        "t": time.time(),
        "kind": name,
        "status": status,
        "ms": round(response_time, 2),
        "node": headers.get("X-Upstream", ""),
        "silo": (context or {}).get("silo", ""),
        "token": (context or {}).get("token", ""),
    }
    _requests.write(json.dumps(record) + "\n")


def write_log(**record) -> None:
    _writes.write(json.dumps({"t": time.time(), **record}) + "\n")


class SiloUser(FastHttpUser):
    abstract = True
    token_kind = ""

    def on_start(self):
        self.silo = SILOS[next(_silo_cycle)]
        self.headers = {"Host": self.silo["host"], "Authorization": f"Bearer {self.silo['tokens'][self.token_kind]}"}
        self.ctx = {"silo": self.silo["slug"], "token": self.token_kind}

    def call(self, method: str, path: str, kind: str, body=None, idempotent_retry: bool = False):
        """One request; writes are retried (same Idempotency-Key) while the cluster is failing over."""
        headers = dict(self.headers)
        if method in ("POST", "PATCH"):
            headers["Idempotency-Key"] = str(uuid.uuid4())
        for attempt in range(6 if idempotent_retry else 1):
            with self.client.request(
                method, path, name=kind, headers=headers, json=body, context=self.ctx, catch_response=True
            ) as response:
                status = response.status_code or 0
                if status < 500 and status != 0:
                    response.success()  # 4xx are answers (409 upserts, 429s); the report counts them per kind
                else:
                    response.failure(f"{status}")
            if status not in RETRY or attempt == 5:
                return response
            time.sleep(1 + attempt)
        return response


class CrmSync(SiloUser):
    """A CRM pushing customers by its own id and pulling what changed since its last sync."""

    token_kind = "crm"
    wait_time = between(0.5, 1.5)

    def on_start(self):
        super().on_start()
        self.since = "2000-01-01T00:00:00Z"

    @task(3)
    def upsert(self):
        ref = f"crm-{random.randrange(200)}"
        body = {"code": ref.upper(), "name": f"CRM customer {ref} v{random.randrange(10**6)}", "external_ref": ref}
        r = self.call("POST", "/api/v2/customers/", "crm-upsert", body, idempotent_retry=True)
        if r.status_code == 409 and "existing_id" in (r.text or ""):
            existing = json.loads(r.text)["existing_id"]
            self.call("PATCH", f"/api/v2/customers/{existing}/", "crm-upsert", {"name": body["name"]}, True)

    @task(1)
    def pull(self):
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2))
        r = self.call("GET", f"/api/v2/customers/?updated_since={self.since}&page_size=50", "crm-pull")
        if r.status_code == 200:
            self.since = started


class PortalOrders(SiloUser):
    """A customer portal: create an order, confirm it (ATP reserves), ship it (catch weights), invoice it."""

    token_kind = "portal"
    wait_time = between(1, 3)

    @task
    def order(self):
        silo = self.silo
        ref = f"portal-{uuid.uuid4().hex[:16]}"
        lines = [{"imps_code": code, "quantity_lb": "2"} for code in random.sample(silo["items"], 3)]
        body = {
            "customer": silo["customer"],
            "facility": silo["facility"],
            "external_ref": ref,
            "delivery_date": str(today() + timedelta(days=4)),
            "lines": lines,
        }
        r = self.call("POST", "/api/v2/sales-orders/", "portal-create", body, idempotent_retry=True)
        if r.status_code == 409 and "existing_id" in (r.text or ""):
            order = {"id": json.loads(r.text)["existing_id"]}  # a retry without its key: the order exists
        elif r.status_code != 201:
            return
        else:
            order = json.loads(r.text)
            write_log(op="order", silo=silo["slug"], id=order["id"], ref=ref, total=order["total"])
        path = f"/api/v2/sales-orders/{order['id']}/"
        r = self.call("PATCH", path, "portal-confirm", {"status": "confirmed"}, idempotent_retry=True)
        if r.status_code != 200:
            return
        order = json.loads(r.text)
        write_log(op="confirmed", silo=silo["slug"], id=order["id"])
        ship = {"status": "shipped", "lines": [{"id": line["id"], "shipped_lb": "2"} for line in order["lines"]]}
        r = self.call("PATCH", path, "portal-ship", ship, idempotent_retry=True)
        if r.status_code != 200:
            return
        write_log(op="shipped", silo=silo["slug"], id=order["id"])
        r = self.call("POST", f"{path}invoice/", "portal-invoice", {}, idempotent_retry=True)
        if r.status_code in (200, 201):
            order = json.loads(r.text)
            write_log(op="invoiced", silo=silo["slug"], id=order["id"], invoice=order["invoice"])


class BiPulls(SiloUser):
    """A BI tool paging through invoices and payments and pulling reports as CSV."""

    token_kind = "bi"
    wait_time = between(1, 2)

    @task(2)
    def invoices(self):
        self.call("GET", f"/api/v2/invoices/?page={random.randint(1, 2)}&page_size=25", "bi-invoices")

    @task(2)
    def payments(self):
        self.call("GET", "/api/v2/payments/?page_size=25", "bi-payments")

    @task(1)
    def report(self):
        name = random.choice(["trial-balance", "ar-aging"])
        self.call("GET", f"/api/v2/reports/{name}/?format=csv", "bi-report-csv")


class SalesRepAtp(SiloUser):
    """A sales-rep app asking whether it can promise an item for a date."""

    token_kind = "rep"
    wait_time = between(0.5, 1.5)

    @task
    def check(self):
        silo = self.silo
        body = {
            "facility_id": silo["facility_code"],
            "imps_code": random.choice(silo["items"]),
            "quantity_lb": str(random.choice([5, 20, 100, 400])),
            "delivery_date": str(today() + timedelta(days=random.randint(2, 20))),
        }
        self.call("POST", "/api/v2/atp/check/", "atp-check", body)


class Greedy(SiloUser):
    """One token of silo 1 sending faster than its own limit: its 429s are the only ones expected."""

    token_kind = "greedy"
    fixed_count = 2
    wait_time = between(0.02, 0.06)

    def on_start(self):
        self.silo = SILOS[0]
        self.headers = {"Host": self.silo["host"], "Authorization": f"Bearer {self.silo['tokens']['greedy']}"}
        self.ctx = {"silo": self.silo["slug"], "token": "greedy"}

    @task
    def hammer(self):
        self.call("GET", "/api/v2/customers/?page_size=1", "greedy")
