"""The PostgreSQL side of the audit trail: one capture trigger per audited table, an append-only guard.

Why triggers: a row trigger sees every write whatever its path — the API's write path, the silo UI, a
management command, a Celery task, a data migration, raw SQL — so a new app, model or command is covered
without anyone remembering to call an audit function. Coverage is automatic: after every `migrate` of a
silo schema (post_migrate, which django-tenants' executor and `migrate_all` send whenever a plan adds a
model) `triggers_install()` puts the trigger on every table of every model of the tenant apps, except the
few in EXCLUDED (each with its reason), and removes it from tables that became excluded. The clone of the
template (silos/clone.py) copies the triggers with the tables. `audit/tests/test_coverage.py` fails when a
model's table in a silo has no trigger.

The two functions live once in the public schema (a silo schema holds only tables, so the template stays
cheap to clone) and write into the audit table of the schema of the table written, in the same
transaction: the row before and after as JSON (without the IGNORED columns); the API shows the fields that
differ. Who wrote comes from the session settings `cashsheet.actor_*` (audit/actor.py); none set means
`system`. Secrets are never copied: a column named `password`, `secret`, `digest` or ending in `_password`,
`_secret`, `_digest` (token digests, webhook signing secrets, password hashes) and any listed in REDACTED is
stored as `"[redacted]"` when it is set or changed (that it changed, never its value) and left out otherwise.
"""

from __future__ import annotations

import hashlib
import re

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name

CAPTURE_FUNCTION = "cashsheet_audit_capture"
GUARD_FUNCTION = "cashsheet_audit_refuse"
CAPTURE_TRIGGER = "cashsheet_audit"
GUARD_TRIGGER = "cashsheet_audit_append_only"
AUDIT_TABLE = "audit_auditevent"

# Models whose tables are not audited, and why. Everything else in the tenant apps is, automatically.
EXCLUDED: dict[str, str] = {
    "audit.auditevent": "the trail itself",
    "sessions.session": "login sessions: secret session data, rewritten on signed-in requests",
    "members.idempotencyrecord": "stored responses of writes that are audited themselves; purged after 24 h",
    "contenttypes.contenttype": "a catalogue written by migrations only",
    "auth.permission": "a catalogue written by migrations only (granting one is audited: the m2m tables)",
    "webhooks.event": "the outbox: itself the record of the change it announces, written with it",
    "webhooks.delivery": "the delivery log, written by workers on every attempt",
    "webhooks.deliveryattempt": "the delivery log, written by workers on every attempt",
    "inventory.stockday": "derived from movements (a back-dated one rewrites every later day); movements are audited",
    "inventory.lotday": "derived from movements (a back-dated one rewrites every later day); movements are audited",
    "sales.salesordersequence": "a document-number counter; the numbered document is audited",
    "ledger.sequence": "a document-number counter; the numbered document is audited",
    "inventory.inventorysequence": "a document-number counter; the numbered document is audited",
}

# Columns left out of the rows stored; an UPDATE that changes nothing else records no event.
IGNORED_EVERYWHERE = ("updated_at",)
IGNORED: dict[str, tuple[str, ...]] = {
    "members.apitoken": ("last_used_at",),  # touched by authentication at most every 30 s per token
    "auth.user": ("last_login",),  # written by signing in, which is not a change to the user
}

# Secrets whose column names do not follow the convention SECRET_COLUMN below already covers.
REDACTED: dict[str, tuple[str, ...]] = {}
SECRET_COLUMN = r"(^|_)(password|secret|digest)$"

CAPTURE_BODY = r"""
DECLARE
  ignored text[] := TG_ARGV[2]::text[];
  redacted text[] := TG_ARGV[3]::text[];
  before_row jsonb;
  after_row jsonb;
  secret text;
BEGIN
  -- Whole rows, not a diff: no per-column work here (the API diffs on read). Only C-level operators and
  -- simple expressions, no query but the INSERT: a few tens of microseconds a row.
  IF TG_OP <> 'INSERT' THEN
    before_row := to_jsonb(OLD) - ignored;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    after_row := to_jsonb(NEW) - ignored;
  END IF;
  IF TG_OP = 'UPDATE' AND before_row = after_row THEN
    RETURN NULL;  -- nothing but ignored columns changed
  END IF;
  IF redacted <> '{}' THEN
    -- A secret is never copied: an unchanged one is left out, a changed or new one is "[redacted]".
    FOREACH secret IN ARRAY redacted LOOP
      IF TG_OP = 'UPDATE' AND before_row -> secret IS NOT DISTINCT FROM after_row -> secret THEN
        before_row := before_row - secret;
        after_row := after_row - secret;
      ELSE
        IF before_row ? secret THEN
          before_row := jsonb_set(before_row, ARRAY[secret], '"[redacted]"');
        END IF;
        IF after_row ? secret THEN
          after_row := jsonb_set(after_row, ARRAY[secret], '"[redacted]"');
        END IF;
      END IF;
    END LOOP;
  END IF;
  IF TG_TABLE_SCHEMA = current_schema() THEN
    -- The usual case (search_path is the silo's): a statement planned once per connection.
    INSERT INTO audit_auditevent (occurred_at, resource, object_id, action, actor_user_id, actor_username,
                                  token_prefix, via, transaction_id, before, after)
    VALUES (now(), TG_ARGV[0], coalesce(after_row, before_row) ->> TG_ARGV[1], lower(TG_OP),
            nullif(current_setting('cashsheet.actor_user_id', true), '')::bigint,
            coalesce(current_setting('cashsheet.actor_username', true), ''),
            coalesce(current_setting('cashsheet.actor_token', true), ''),
            coalesce(nullif(current_setting('cashsheet.actor_via', true), ''), 'system'),
            txid_current(), before_row, after_row);
  ELSE
    EXECUTE format('INSERT INTO %I.audit_auditevent (occurred_at, resource, object_id, action, actor_user_id, '
                   'actor_username, token_prefix, via, transaction_id, before, after) '
                   'VALUES (now(), $1, $2, $3, $4, $5, $6, $7, txid_current(), $8, $9)', TG_TABLE_SCHEMA)
      USING TG_ARGV[0], coalesce(after_row, before_row) ->> TG_ARGV[1], lower(TG_OP),
            nullif(current_setting('cashsheet.actor_user_id', true), '')::bigint,
            coalesce(current_setting('cashsheet.actor_username', true), ''),
            coalesce(current_setting('cashsheet.actor_token', true), ''),
            coalesce(nullif(current_setting('cashsheet.actor_via', true), ''), 'system'), before_row, after_row;
  END IF;
  RETURN NULL;
END
"""

GUARD_BODY = """
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
"""

_FUNCTIONS = {CAPTURE_FUNCTION: CAPTURE_BODY, GUARD_FUNCTION: GUARD_BODY}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _array(values) -> str:
    return "{" + ",".join(values) + "}"


def functions_ensure() -> None:
    """Create or update the two functions in the public schema when their text differs from the code's.

    Idempotent and cheap when current (one catalogue read); concurrent migrate processes serialise on an
    advisory lock rather than failing on a concurrently updated pg_proc row.
    """
    public = get_public_schema_name()

    def stale() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.proname, md5(p.prosrc) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = %s AND p.proname = ANY(%s)",
                [public, list(_FUNCTIONS)],
            )
            current = dict(cursor.fetchall())
        wanted = {name: hashlib.md5(body.encode()).hexdigest() for name, body in _FUNCTIONS.items()}
        return [name for name, digest in wanted.items() if current.get(name) != digest]

    if not stale():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('cashsheet_audit_functions'))")
        for name in stale():
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {_q(public)}.{_q(name)}() RETURNS trigger LANGUAGE plpgsql "
                f"AS $cashsheet_audit${_FUNCTIONS[name]}$cashsheet_audit$"
            )


def audited_models() -> list:
    """Every concrete model of the tenant apps (auto-created m2m tables included) but the EXCLUDED."""
    tenant_apps = set(settings.TENANT_APPS)
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_config.name in tenant_apps
        and model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in EXCLUDED
    ]


def trigger_arguments(model) -> tuple[str, ...]:
    """(resource label, pk column, ignored columns, secret columns) from the model's code, not the table:
    installed before a migration runs (pre_migrate), a new secret column is redacted from its first write."""
    label = model._meta.label_lower
    columns = [f.column for f in model._meta.concrete_fields]
    ignored = [c for c in (*IGNORED_EVERYWHERE, *IGNORED.get(label, ())) if c in columns]
    secret = re.compile(SECRET_COLUMN)
    redacted = sorted({c for c in columns if secret.search(c)} | set(REDACTED.get(label, ())))
    return label, model._meta.pk.column, _array(ignored), _array(redacted)


def triggers_install() -> list[str]:
    """Bring the current silo schema's triggers in line with the models; return the statements run.

    One catalogue read; a trigger is (re)created only where it is missing or its arguments changed.
    """
    schema = connection.schema_name
    if schema == get_public_schema_name():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname, t.tgargs FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND t.tgname = ANY(%s) "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
            [[CAPTURE_TRIGGER, GUARD_TRIGGER], schema],
        )
        rows = cursor.fetchall()
    tables = {table for table, _, _ in rows}
    if AUDIT_TABLE not in tables:
        return []  # before audit's own migration: a trigger would have nowhere to write
    installed = {
        (table, name): tuple(a.decode() for a in bytes(args).split(b"\x00")[:-1])
        for table, name, args in rows
        if name is not None
    }
    statements = []
    wanted = {}
    for model in audited_models():
        if model._meta.db_table in tables:
            wanted[model._meta.db_table] = trigger_arguments(model)
    for table, arguments in sorted(wanted.items()):
        if installed.get((table, CAPTURE_TRIGGER)) != arguments:
            statements.append(
                f"CREATE OR REPLACE TRIGGER {CAPTURE_TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {_q(table)} "
                f"FOR EACH ROW EXECUTE FUNCTION {_q(get_public_schema_name())}.{CAPTURE_FUNCTION}"
                f"({', '.join(_literal(a) for a in arguments)})"
            )
    for table, name in sorted(installed):
        if name == CAPTURE_TRIGGER and table not in wanted:
            statements.append(f"DROP TRIGGER {CAPTURE_TRIGGER} ON {_q(table)}")
    if AUDIT_TABLE in tables and (AUDIT_TABLE, GUARD_TRIGGER) not in installed:
        statements.append(
            f"CREATE TRIGGER {GUARD_TRIGGER} BEFORE UPDATE OR DELETE OR TRUNCATE ON {_q(AUDIT_TABLE)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_q(get_public_schema_name())}.{GUARD_FUNCTION}()"
        )
    if statements:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(";\n".join(statements))
    return statements


def migrate_install(sender, **kwargs) -> None:
    """pre_migrate and post_migrate (each sent once per migrated schema for this app): the functions, then
    this schema's triggers. Before: a column a migration adds to an audited table is redacted from the start
    if it is a secret (migrate_all sends post_migrate only when a plan adds models). After: new tables."""
    functions_ensure()
    triggers_install()
