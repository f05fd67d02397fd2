"""Idempotency-Key on every POST and PATCH under /api/: a retried write happens once.

A key is scoped to the token (and so to the silo: tokens live in the silo's schema). For each request
carrying a key:

1. A PostgreSQL session advisory lock on (schema, token, key) is tried without waiting. If another
   request holds it, the first request with this key is still running: 409, retry shortly. The lock
   belongs to the database session, so a worker that dies mid-request releases it with its connection:
   a crashed request never blocks its key, and there is no lock TTL to guess.
2. Under the lock, a stored outcome for the key is looked up. Same method, path and body (SHA-256) →
   the stored status and body are replayed with ``Idempotent-Replayed: true`` and the view does not run;
   anything different → 422.
3. Otherwise the view runs. A 2xx outcome is stored for CASHSHEET_IDEMPOTENCY_TTL_HOURS (24 h); other
   outcomes changed nothing (bad input is refused whole), so they are not stored and a retry runs again.

Where the outcome is stored decides what survives a crash. Every write goes through
``cashsheet.api.viewsets.ResourceViewSet.write``: the one durable transaction of the request (services
only join transactions, see ledger/services/__init__.py), and the outcome is stored inside it
(``outcome_store``). A worker killed anywhere before COMMIT loses both the write and its record (the
retry runs once, afresh); after COMMIT both exist (the retry is replayed). A view that writes outside
that path (none does; ``tests/test_conventions.py`` checks) would have its outcome stored just after
the view returns, as a fallback.

Secrets are never stored: the base replaces the fields a resource names in ``secret_fields`` (an API
token, a webhook signing secret) with null and adds ``"secret_shown_once": true`` to the stored body.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from cashsheet.api.authentication import request_authenticate
from cashsheet.api.exceptions import error_body
from cashsheet.api.tenancy import current_silo

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
METHODS = frozenset({"POST", "PATCH"})


def _record_model():
    return apps.get_model(settings.CASHSHEET_IDEMPOTENCY_MODEL)


def key_error(key: str) -> str | None:
    """Why `key` is not a usable Idempotency-Key, or None."""
    if not key.strip():
        return "Idempotency-Key must not be empty."
    if len(key) > MAX_KEY_LENGTH:
        return f"Idempotency-Key must be at most {MAX_KEY_LENGTH} characters (got {len(key)})."
    if any(ord(c) < 0x20 or ord(c) > 0x7E for c in key):
        return "Idempotency-Key must be printable ASCII (a UUID is a good choice)."
    return None


def request_fingerprint(request) -> str:
    """What "the same request" means: same method, same path and query, byte-identical body."""
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.get_full_path().encode())
    digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def lock_id(*, schema: str, token_id: int, key: str) -> int:
    """A signed 64-bit advisory lock id; a hash collision only makes an unrelated request wait (409)."""
    raw = hashlib.blake2b(f"idem\0{schema}\0{token_id}\0{key}".encode(), digest_size=8).digest()
    return int.from_bytes(raw, "big", signed=True)


@contextmanager
def advisory_lock(lock: int):
    """Yield whether the session lock was taken; release it afterwards (closing the connection if it can't)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock])
        taken = cursor.fetchone()[0]
    try:
        yield taken
    finally:
        if taken:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])
            except Exception:  # noqa: BLE001 - e.g. an aborted transaction: the lock must not outlive us
                logger.exception("idempotency: could not release advisory lock; closing the connection")
                connection.close()


def _error(status: int, code: str, detail: str, message: str, **extra) -> JsonResponse:
    errors = [{"field": HEADER, "code": code, "message": message}]
    return JsonResponse(error_body(status, code, detail, errors, **extra), status=status)


def _replay(record) -> HttpResponse:
    response = HttpResponse(
        record.response_body, status=record.response_status, content_type=record.response_content_type or None
    )
    response["Idempotent-Replayed"] = "true"
    return response


@dataclass
class Pending:
    """A keyed request whose outcome is not stored yet (set on the request while its view runs)."""

    token: object
    key: str
    method: str
    path: str
    fingerprint: str
    stored: bool = False


def pending(request) -> Pending | None:
    """The keyed request's pending outcome, or None (no key, or not under /api/)."""
    return getattr(request, "idempotency", None)


def outcome_store(outcome: Pending, *, status: int, body: bytes, content_type: str) -> None:
    """Store the outcome of `outcome`'s request in the current transaction (the write's own)."""
    model = _record_model()
    now = timezone.now()
    with transaction.atomic():
        # An expired record of the same key is history: the key may be reused after the TTL.
        model.objects.filter(token=outcome.token, key=outcome.key, expires_at__lte=now).delete()
        model.objects.create(
            token=outcome.token,
            key=outcome.key,
            request_method=outcome.method,
            request_path=outcome.path,
            request_hash=outcome.fingerprint,
            response_status=status,
            response_body=body.decode("utf-8"),
            response_content_type=content_type,
            expires_at=now + timedelta(hours=settings.CASHSHEET_IDEMPOTENCY_TTL_HOURS),
        )
    outcome.stored = True


class IdempotencyMiddleware:
    """Applies Idempotency-Key to POST and PATCH under /api/ (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        key = request.headers.get(HEADER)
        if key is None:
            return self.get_response(request)
        problem = key_error(key)
        if problem is not None:
            return _error(400, "invalid", f"Invalid {HEADER} header.", problem)
        auth = request_authenticate(request)
        if auth.token is None or current_silo() is None:
            return self.get_response(request)  # the view answers 401; nothing to remember
        return self._handle(request, key, auth.token)

    def _handle(self, request, key: str, token):
        fingerprint = request_fingerprint(request)
        lock = lock_id(schema=connection.schema_name, token_id=token.pk, key=key)
        with advisory_lock(lock) as taken:
            if not taken:
                response = _error(
                    409,
                    "idempotency_key_in_progress",
                    "A request with this Idempotency-Key is still being processed; retry shortly.",
                    "The first request with this key has not finished.",
                )
                response["Retry-After"] = "1"
                return response
            record = (
                _record_model()
                .objects.filter(token=token, key=key, expires_at__gt=timezone.now())
                .only("request_hash", "response_status", "response_body", "response_content_type")
                .first()
            )
            if record is not None:
                if record.request_hash != fingerprint:
                    return _error(
                        422,
                        "idempotency_key_reused",
                        f"This {HEADER} was already used for a different request.",
                        "Same key, different method, path or body: use a new key for a new request.",
                    )
                return _replay(record)
            outcome = Pending(
                token=token, key=key, method=request.method, path=request.get_full_path(), fingerprint=fingerprint
            )
            request.idempotency = outcome
            response = self.get_response(request)
            if outcome.stored or not 200 <= response.status_code < 300 or getattr(response, "streaming", False):
                return response
            try:  # the fallback for a view outside the write path (see the module docstring)
                outcome_store(
                    outcome,
                    status=response.status_code,
                    body=response.content,
                    content_type=response.get("Content-Type", ""),
                )
            except Exception:  # noqa: BLE001 - the write succeeded; losing the record only weakens retries
                logger.exception("idempotency: could not store the outcome for key %r", key)
            return response
