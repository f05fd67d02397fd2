"""Who is writing: the `cashsheet.actor_*` settings the capture trigger reads (audit/triggers.py).

- An API call with a Bearer token: the token lookup sets the token's user and prefix (`via=api`) in the
  same SELECT (cashsheet/api/authentication.py, cashsheet/api/actor.py): no round trip, and every token
  request overwrites whatever the connection's previous request left.
- The silo UI: `AuditActorMiddleware` sets the signed-in user (`via=ui`) for a write request (POST, PATCH,
  PUT, DELETE), one statement; any other request on a connection that may carry an actor clears it first,
  so nothing is ever attributed to an earlier request's user.
- A management command or a Celery worker process names itself on each of its connections
  (`via=command:<name>`, `via=worker`), so whatever it writes, in however many transactions and
  reconnections, says where it came from.
- Anything else is `system` (the trigger's default).

Session-level settings rather than `set_config(..., true)`: the actor is known before the view opens its
transaction (a view may open several), and a token request pays nothing for it.
"""

from __future__ import annotations

import os
import sys

from django.db import DatabaseError, connection

from cashsheet.api import actor as _actor
from cashsheet.api.authentication import request_authenticate
from cashsheet.api.middleware import is_token_api_call

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
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


PROCESS_VIA = process_via()


def actor_set(*, user=None, token_prefix: str = "", via: str) -> None:
    _actor.actor_set(user=user, token_prefix=token_prefix, via=via)


def actor_clear() -> None:
    """Back to the process's default (a command's name, or `system`) if an actor may be set."""
    _actor.actor_clear(via=PROCESS_VIA)


def connection_label(sender, connection, **kwargs) -> None:
    """connection_created, in a command or worker process: name the process on the new connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, false)",
            [_actor.VIA, PROCESS_VIA],
        )


class AuditActorMiddleware:
    """The silo UI's actor, and no stale actor on any request; see the module docstring.

    Placed after authentication: the session user is known, and a Bearer token was already looked up
    once, by the rate limiter (request_authenticate caches the result on the request).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "tenant", None) is None:
            return self.get_response(request)
        try:
            if is_token_api_call(request):
                if request_authenticate(request).token is None:
                    actor_clear()  # no token row was read, so nothing overwrote the last request's actor
            elif request.method not in SAFE_METHODS:
                user = getattr(request, "user", None)
                actor_set(user=user if user is not None and user.is_authenticated else None, via="ui")
            else:
                actor_clear()
        except DatabaseError:
            # The database is failing: the view answers 503 itself; this connection must not be reused
            # with an actor that could not be cleared.
            connection.close()
        return self.get_response(request)
