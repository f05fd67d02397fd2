"""A keyset sync over real HTTP, while other clients write, loses nothing, serves nothing stale, repeats nothing.

A writer process (HTTP, through gunicorn) creates and renames customers; a second writer commits late (its
transaction inserts, then holds for a moment before committing, as a slow request would). A reader pulls
`/customers/?updated_since=…&cursor=…` meanwhile, following `next` and resuming from `cursor`. At the end
the reader's copy equals the database: every row, each at its last version, and no version delivered twice.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from django.db import connection, transaction

from cashsheet.testing import unique

pytestmark = [pytest.mark.live, pytest.mark.slow]

WRITER = r"""
import random, sys, time, requests
url, host, token, prefix, seconds = sys.argv[1:6]
s = requests.Session()
s.headers.update({"Host": host, "Authorization": f"Bearer {token}"})
def send(method, url, **kw):  # honour 429 as the README asks clients to: wait Retry-After, send again
    while True:
        r = s.request(method, url, **kw)
        if r.status_code != 429:
            return r
        time.sleep(float(r.headers.get("Retry-After", "1")))
ids, n, began = [], 0, time.monotonic()
# At least `seconds`, and at least 30 writes (a loaded machine is slow), but never more than 120 s.
while (time.monotonic() - began < float(seconds) or n < 30) and time.monotonic() - began < 120:
    n += 1
    if not ids or random.random() < 0.5:
        r = send("POST", f"{url}/api/v2/customers/", json={"code": f"{prefix}-{n}", "name": f"v{n}"})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    else:
        r = send("PATCH", f"{url}/api/v2/customers/{random.choice(ids)}/", json={"name": f"v{n}"})
        assert r.status_code == 200, r.text
print(n)
"""


def _late_writer(silo, prefix: str, seconds: float, errors: list) -> None:
    """Insert a customer, then hold the transaction open before committing (a late commit)."""
    from parties.services import customer_create

    try:
        connection.set_tenant(silo)
        deadline, n = time.monotonic() + seconds, 0
        while time.monotonic() < deadline:
            n += 1
            with transaction.atomic():
                customer_create(code=f"{prefix}-L{n}", name=f"late{n}")
                time.sleep(0.7)
    except Exception as exc:  # reported by the test
        errors.append(exc)
    finally:
        connection.close()


def test_keyset_sync_under_concurrent_writes_misses_and_duplicates_nothing(
    http_server, live_silo, live_admin_token, committed
):
    from parties.models import Customer

    prefix = unique("SYNC")
    start = datetime.now(UTC).isoformat()
    seconds = 8.0
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, http_server.url, live_silo.host, live_admin_token, prefix, str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    late_errors: list = []
    late = threading.Thread(target=_late_writer, args=(live_silo, prefix, seconds, late_errors))
    late.start()

    session = requests.Session()
    session.headers.update({"Host": live_silo.host, "Authorization": f"Bearer {live_admin_token}"})
    copy: dict[int, tuple[datetime, str]] = {}
    delivered: list[tuple[int, datetime]] = []
    followed = []  # `next` links followed: the walk is paged, not one page per pull
    first = f"{http_server.url}/api/v2/customers/?updated_since={requests.utils.quote(start)}&page_size=5&cursor="

    def _via_server(link: str) -> str:
        """`next` is absolute at the silo's host (`live.localhost:…`), which need not resolve here: send it to
        the server's address, keeping its path and query, with the session's Host header naming the silo."""
        parts = urlsplit(link)
        assert parts.hostname == live_silo.host, link
        server = urlsplit(http_server.url)
        return urlunsplit((server.scheme, server.netloc, parts.path, parts.query, ""))

    def pull(url: str) -> str:
        """Follow `next` until caught up; return the bookmark."""
        while True:
            response = session.get(url, timeout=30)
            if response.status_code == 429:  # reader and writer share one token's rate limit on a fast machine
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            assert response.status_code == 200, response.text
            body = response.json()
            for row in body["results"]:
                updated_at = datetime.fromisoformat(row["updated_at"].replace("Z", "+00:00"))
                delivered.append((row["id"], updated_at))
                copy[row["id"]] = (updated_at, row["name"])
            if body["next"] is None:
                return f"{first}{body['cursor']}"
            url = _via_server(body["next"])
            followed.append(url)

    bookmark = pull(first)
    while writer.poll() is None or late.is_alive():
        time.sleep(0.2)
        bookmark = pull(bookmark)
    out, err = writer.communicate(timeout=30)
    late.join()
    assert writer.returncode == 0, err
    assert not late_errors, late_errors
    # The writers have committed: one more pull (the horizon moves once their transactions are over).
    for _ in range(20):
        bookmark = pull(bookmark)
        truth = {c.pk: (c.updated_at, c.name) for c in Customer.objects.filter(code__startswith=prefix)}
        if all(copy.get(pk) == value for pk, value in truth.items()):
            break
        time.sleep(0.3)

    missed = [pk for pk in truth if pk not in copy]
    stale = [pk for pk, value in truth.items() if pk in copy and copy[pk] != value]
    duplicates = len(delivered) - len(set(delivered))
    assert (missed, stale, duplicates) == ([], [], 0), (missed, stale, duplicates)
    assert followed, "the reader followed `next` at least once"
    assert len(truth) >= 15 and int(out.strip()) >= 30, (len(truth), out)
    assert any("-L" in c.code for c in Customer.objects.filter(code__startswith=prefix)), "late commits ran"
