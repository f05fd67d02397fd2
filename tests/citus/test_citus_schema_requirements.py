"""What Citus schema-based sharding requires of our schema, checked on the migrated silo template.

docs/scaling.md explains each rule. A silo is a PostgreSQL schema; Citus 12 distributes a schema whole
(`citus_schema_distribute`) as one colocation group on one worker, and the public registry becomes
reference tables (a copy on every node). That holds only while:

1. no silo table has a foreign key to a table outside its own schema (a distributed schema may point
   only into itself or at reference tables; we keep it to itself, so a silo moves as one unit);
2. the public schema's tables never point into a silo schema;
3. every identity / serial column is bigint (Citus refuses smaller ones, whose values it cannot keep
   unique across nodes) and every sequence is owned by such a column (no free-standing sequences,
   which would stay behind on the coordinator);
4. every silo table has a primary key, so `citus_schema_move` can copy a live silo with logical
   replication (without one, a table has no replica identity and writes to it block during the move);
5. nothing in a silo schema that Citus cannot distribute: no unlogged or partitioned tables, no
   materialized views, no rules, no triggers but the audit trail's (each calls a function of `public` and
   writes only into its own silo's audit table, on the same node; docs/scaling.md rule 5).

The checks read the real catalogue of the test database (the `_template` schema every silo is cloned
from, and the public schema), so a new migration that breaks a rule fails `make test`.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

TEMPLATE = settings.TENANT_BASE_SCHEMA

pytestmark = pytest.mark.django_db


def rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def silo_tables() -> list[str]:
    return [r[0] for r in rows("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [TEMPLATE])]


def test_the_template_is_migrated_and_populated():
    tables = silo_tables()
    assert "django_migrations" in tables and len(tables) > 30, tables


def test_silo_foreign_keys_stay_inside_the_silo():
    outside = rows(
        """
        SELECT c.conrelid::regclass::text, c.conname, c.confrelid::regclass::text, tn.nspname
          FROM pg_constraint c
          JOIN pg_class t ON t.oid = c.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
          JOIN pg_class s ON s.oid = c.conrelid JOIN pg_namespace sn ON sn.oid = s.relnamespace
         WHERE c.contype = 'f' AND sn.nspname = %s AND tn.nspname <> sn.nspname
        """,
        [TEMPLATE],
    )
    assert outside == [], f"silo tables with foreign keys out of the silo schema: {outside}"


def test_public_tables_never_point_into_a_silo():
    inward = rows(
        """
        SELECT c.conrelid::regclass::text, c.conname, tn.nspname
          FROM pg_constraint c
          JOIN pg_class t ON t.oid = c.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
          JOIN pg_class s ON s.oid = c.conrelid JOIN pg_namespace sn ON sn.oid = s.relnamespace
         WHERE c.contype = 'f' AND sn.nspname = 'public' AND tn.nspname <> 'public'
        """,
        [],
    )
    assert inward == []


@pytest.mark.parametrize("schema", [TEMPLATE, "public"])
def test_identity_and_serial_columns_are_bigint(schema):
    small = rows(
        """
        SELECT table_name, column_name, data_type
          FROM information_schema.columns
         WHERE table_schema = %s AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')
           AND data_type <> 'bigint'
         ORDER BY 1, 2
        """,
        [schema],
    )
    assert small == [], f"identity/serial columns that Citus needs as bigint: {small}"


@pytest.mark.parametrize("schema", [TEMPLATE, "public"])
def test_every_sequence_belongs_to_an_identity_or_serial_column(schema):
    loose = rows(
        """
        SELECT s.relname
          FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
         WHERE s.relkind = 'S' AND n.nspname = %s
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.objid = s.oid AND d.classid = 'pg_class'::regclass
                              AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))
        """,
        [schema],
    )
    assert loose == [], f"free-standing sequences: {loose}"


def test_every_silo_table_has_a_primary_key():
    missing = rows(
        """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
        """,
        [TEMPLATE],
    )
    assert missing == [], f"tables without a primary key (no replica identity for a live move): {missing}"


def test_nothing_citus_cannot_distribute_lives_in_a_silo():
    odd = rows(
        """
        SELECT c.relname, c.relkind, c.relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %s AND (c.relkind IN ('p', 'm', 'f') OR (c.relkind = 'r' AND c.relpersistence <> 'p'))
        """,
        [TEMPLATE],
    )
    assert odd == [], f"partitioned, materialized, foreign or unlogged relations: {odd}"
    triggers = rows(
        """
        SELECT c.relname, t.tgname, p.proname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid
         WHERE n.nspname = %s AND NOT t.tgisinternal
           AND NOT (t.tgname = 'cashsheet_audit' AND p.proname = 'cashsheet_audit_capture'
                    AND p.pronamespace = 'public'::regnamespace)
           AND NOT (t.tgname = 'cashsheet_audit_append_only' AND p.proname = 'cashsheet_audit_refuse'
                    AND c.relname = 'audit_auditevent' AND p.pronamespace = 'public'::regnamespace)
        """,
        [TEMPLATE],
    )
    assert triggers == [], f"user triggers (not propagated by Citus): {triggers}"
    rules = rows("SELECT rulename FROM pg_rules WHERE schemaname = %s", [TEMPLATE])
    assert rules == [], f"rules (unsupported by Citus): {rules}"
