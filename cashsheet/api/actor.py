"""Who is writing, for the database: the session settings `cashsheet.actor_*` that the audit trail's triggers
read (audit/triggers.py) on every row written. Plumbing: it knows the names, not the trail.

- An API call with a token: the token lookup itself sets them (`ACTOR_COLUMNS_SQL`, four set_config calls in
  the lookup's own SELECT), so attributing a write costs no round trip, and every token request overwrites
  the previous request's actor on a pooled connection.
- The silo UI (a signed-in user) and anything else on a web connection: audit.actor.AuditActorMiddleware,
  with `actor_set` / `actor_clear`.
- A management command or a worker process names itself on each of its connections (audit.actor).
- Nothing set means `system` (the trigger's default).
"""

from __future__ import annotations

from django.db import connection

USER_ID, USERNAME, TOKEN, VIA = (
    "cashsheet.actor_user_id",
    "cashsheet.actor_username",
    "cashsheet.actor_token",
    "cashsheet.actor_via",
)
# Set on the connection wrapper whenever a request's actor may be on the session (see actor_clear).
FLAG = "cashsheet_actor_set"

_SET_SQL = (
    f"SELECT set_config('{USER_ID}', %s, false), set_config('{USERNAME}', %s, false), "
    f"set_config('{TOKEN}', %s, false), set_config('{VIA}', %s, false)"
)


def actor_columns_sql(token_table: str, user_table: str) -> str:
    """An expression for the token lookup's SELECT list that sets the actor from the row it finds."""
    t, u = f'"{token_table}"', f'"{user_table}"'
    return (
        f"concat(set_config('{USER_ID}', {u}.\"id\"::text, false), set_config('{USERNAME}', {u}.\"username\", "
        f"false), set_config('{TOKEN}', {t}.\"prefix\", false), set_config('{VIA}', 'api', false))"
    )


def actor_set(*, user=None, token_prefix: str = "", via: str) -> None:
    """Attribute this connection's writes from now on to `user` / `token_prefix` / `via`."""
    user_id = "" if user is None or user.pk is None else str(user.pk)
    username = "" if user is None else (user.get_username() or "")
    with connection.cursor() as cursor:
        cursor.execute(_SET_SQL, [user_id, username, token_prefix, via])
    setattr(connection, FLAG, bool(user_id or token_prefix or via))


def actor_clear(via: str = "") -> None:
    """Back to no actor (`via`: the process's default, e.g. a command's name), when one may be set."""
    if getattr(connection, FLAG, True):
        actor_set(via=via)
        setattr(connection, FLAG, False)
