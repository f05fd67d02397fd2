"""The house's shape, checked: one write path for every resource, no hidden ties between apps.

(The import direction itself is import-linter's contracts in pyproject.toml, run by `make test`.)
"""

import inspect
import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSetMixin

from cashsheet.api.viewsets import ReadOnlyResourceViewSet, ResourceViewSet

ROOT = Path(__file__).resolve().parent.parent
SOURCE = [
    p
    for p in ROOT.glob("*/**/*.py")
    if not {"migrations", ".venv", "tests", ".embedded"} & set(p.relative_to(ROOT).parts)
]
WRITE_METHODS = {"post", "patch", "put", "delete"}
# Views outside the resource bases, each with its reason (the view's own comment says the same).
NOT_RESOURCES = {
    "api_root": "the index of resources; GET only",
    "AtpCheckView": "a simulation: answers at once and records the check after the response is sent",
    "ReportViewSet": "reports are computed, not rows; GET only",
    "EventTypeViewSet": "the event-type registry, no model behind it; GET only",
    "StockBalanceViewSet": "read-only and list-only",
    "LpRunModelView": "a download of one run's model file; GET only",
}


def _views(patterns=None):
    for pattern in patterns if patterns is not None else get_resolver("cashsheet.urls_tenant").url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            cls = getattr(pattern.callback, "cls", None)
            if cls is not None and issubclass(cls, APIView) and (ROOT / cls.__module__.split(".")[0]).is_dir():
                yield cls  # ours, not drf-spectacular's schema views


def test_every_resource_writes_through_the_one_base():
    views = set(_views())
    assert len(views) > 15
    for view in views:
        if view.__name__ in NOT_RESOURCES:
            continue
        assert issubclass(view, ReadOnlyResourceViewSet), f"{view.__name__} is not on cashsheet.api.viewsets"
        writes = WRITE_METHODS & set(view.http_method_names)
        if writes:
            assert issubclass(view, ResourceViewSet), view.__name__
        # No hand-written write methods: hooks (create_service, ...) and self.write() only. (drf-spectacular
        # wraps inherited methods it documents; unwrapping finds the base's own.)
        base = ResourceViewSet if issubclass(view, ResourceViewSet) else ReadOnlyResourceViewSet
        for name in ("create", "update", "partial_update", "destroy", "perform_create", "perform_update"):
            ours = getattr(base, name, None)
            assert inspect.unwrap(getattr(view, name, ours)) is ours, f"{view.__name__}.{name} is hand-written"
        assert issubclass(view, ViewSetMixin)


def _grep(pattern: str) -> list[str]:
    found = []
    for path in SOURCE:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(pattern, line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_model_is_looked_up_by_string_across_apps():
    # The token, idempotency and tombstone models are named by settings (as AUTH_USER_MODEL is), so
    # cashsheet/api needs no domain import; nothing else may dodge the dependency direction.
    allowed = {"cashsheet/api/authentication.py", "cashsheet/api/idempotency.py", "cashsheet/api/tombstones.py"}
    hits = [hit for hit in _grep(r"get_model\(") if hit.split(":")[0] not in allowed]
    assert hits == []


def test_no_private_django_caches_are_written():
    assert _grep(r"_prefetched_objects_cache|_result_cache|_prefetch_done") == []


def test_no_transaction_in_a_view_module():
    # The transaction boundary is the base viewset's (cashsheet/api/viewsets.py), nowhere else in an API.
    hits = [h for h in _grep(r"transaction\.atomic|from django.db import transaction") if "/api/" in h.split(":")[0]]
    assert [h for h in hits if not h.startswith("cashsheet/api/")] == []
