"""Test and benchmark support (not imported by the application)."""

import itertools
import uuid

_counter = itertools.count(1)


def unique(prefix: str = "T") -> str:
    """A code no other test uses, for rows that outlive a test (committed fixtures, live servers)."""
    return f"{prefix}{next(_counter)}{uuid.uuid4().hex[:6].upper()}"
