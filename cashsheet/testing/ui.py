"""Silo UI tests in process: a signed-in browser-like client at the silo's host."""

from __future__ import annotations

import re

from django.test import Client


def ui_client(silo, user) -> Client:
    """A Django test client at `silo`'s host, signed in as `user` (no password round trip)."""
    client = Client(HTTP_HOST=silo.host)
    client.force_login(user)
    return client


def text(response) -> str:
    """The response's HTML with tags dropped and whitespace collapsed, for assertions on what a person reads."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def page_queries(client, path: str, params: dict | None = None) -> int:
    """Queries a page issues, not counting the host → silo lookup (cached for a few seconds per process, so it
    comes and goes between two requests) nor the schema switch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, params or {}).status_code == 200
    return sum(1 for q in ctx.captured_queries if '"silos_' not in q["sql"] and "search_path" not in q["sql"])
