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
