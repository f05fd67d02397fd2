"""Who is writing: the `cashsheet.actor_*` settings the capture trigger reads (audit/triggers.py).

- HTTP (API and silo UI): `AuditActorMiddleware` sets them for the request's writes — the Bearer token's
  user and prefix (`via=api`) or the signed-in user (`via=ui`) — and clears them when the response is made,
  so a pooled connection never carries one request's actor into the next. GET and HEAD write nothing
  worth an actor (token touches and sign-ins are ignored columns) and pay nothing.
- A management command or a Celery worker process names itself on each of its connections (`via=command:<name>`,
  `via=worker`), so whatever it writes, however many transactions and reconnections, says where it came from.
- Anything else is `system` (the trigger's default).

Settings set at session level and reset at the end are used rather than `set_config(..., true)`: the actor
is known before the view opens its transaction, and a view may open several.
"""

from __future__ import annotations

import os
import sys

from django.db import DatabaseError, connection

from cashsheet.api.authentication import request_authenticate
from cashsheet.api.middleware import is_token_api_call

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_SET = (
    "SELECT set_config('cashsheet.actor_user_id', %s, false), set_config('cashsheet.actor_username', %s, false), "
    "set_config('cashsheet.actor_token', %s, false), set_config('cashsheet.actor_via', %s, false)"
)
# Commands that serve requests: their writes get each request's actor, not the command's name.
_SERVERS = {"runserver", "testserver"}


def process_via() -> str:
    """What this process's writes are attributed to when no request sets an actor: '' for a web server."""
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    if program in ("manage.py", "django-admin") and len(sys.argv) > 1 and sys.argv[1] not in _SERVERS:
        return f"command:{sys.argv[1]}"[:100]
    if program == "celery":
        return "worker"
    return ""


_PROCESS_VIA = process_via()


def actor_set(*, user=None, token_prefix: str = "", via: str) -> None:
    """Attribute this connection's writes from now on (until `actor_clear`) to `user` / `token_prefix` / `via`."""
    user_id = "" if user is None or user.pk is None else str(user.pk)
    username = "" if user is None else (user.get_username() or "")
    with connection.cursor() as cursor:
        cursor.execute(_SET, [user_id, username, token_prefix, via])


def actor_clear() -> None:
    """Back to the process's default (a command's name, or `system`)."""
    actor_set(via=_PROCESS_VIA)


def connection_label(sender, connection, **kwargs) -> None:
    """connection_created, in a command or worker process: name the process on the new connection."""
    with connection.cursor() as cursor:
        cursor.execute(_SET, ["", "", "", _PROCESS_VIA])


class AuditActorMiddleware:
    """Sets the actor of a write request (POST, PATCH, PUT, DELETE) on a silo's host; see the module docstring.

    Placed after authentication: the session user is known, and the Bearer token was already looked up
    once by the rate limiter (request_authenticate caches it on the request).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS or getattr(request, "tenant", None) is None:
            return self.get_response(request)
        if is_token_api_call(request):
            result = request_authenticate(request)
            user, prefix, via = result.user, getattr(result.token, "prefix", "") or "", "api"
        else:
            session_user = getattr(request, "user", None)
            user = session_user if session_user is not None and session_user.is_authenticated else None
            prefix, via = "", "ui" if not request.path.startswith("/api/") else "api"
        try:
            actor_set(user=user, token_prefix=prefix, via=via)
        except DatabaseError:
            # The database is unavailable: the view will answer 503 itself; nothing can be written anyway.
            connection.close()
            return self.get_response(request)
        try:
            return self.get_response(request)
        finally:
            try:
                actor_clear()
            except DatabaseError:
                connection.close()  # never hand a connection with this request's actor to the next request
