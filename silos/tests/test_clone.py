"""A silo cloned from the template's recipe (silos/clone.py) is the template: same tables, columns,
constraints, indexes (by name), identity columns and rows, and new rows continue its sequences."""

from __future__ import annotations

import pytest
from django.db import connection

from silos.clone import clone_recipe, schema_clone
from silos.services import TEMPLATE_SCHEMA

pytestmark = pytest.mark.django_db


def catalogue(schema: str) -> dict:
    """Everything that must match, with the schema's own name taken out of definitions."""
    with connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL search_path = "{schema}", pg_catalog')
        cursor.execute(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid)
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, a.attnum
            """,
            [schema],
        )
        columns = cursor.fetchall()
        cursor.execute(
            """
            SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), k.condeferrable, k.condeferred
              FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = %s ORDER BY 1, 2
            """,
            [schema],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT c.relname, replace(pg_get_indexdef(i.indexrelid), ' ON ' || quote_ident(n.nspname) || '.', ' ON ')
              FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = %s ORDER BY 1
            """,
            [schema],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY 1",
            [schema],
        )
        rows = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t")
            rows[table] = cursor.fetchone()[0]
        cursor.execute("SET LOCAL search_path = DEFAULT")
    return {"columns": columns, "constraints": constraints, "indexes": indexes, "rows": rows}


def catalogue_empty_rows_digest() -> str:
    return "d41d8cd98f00b204e9800998ecf8427e"  # md5 of no rows, as catalogue() digests a table's rows


def test_clone_is_the_template(django_db_blocker):
    assert clone_recipe(TEMPLATE_SCHEMA).plain
    try:
        assert schema_clone(template=TEMPLATE_SCHEMA, schema="clonecheck")
        template, clone = catalogue(TEMPLATE_SCHEMA), catalogue("clonecheck")
        # A new silo starts with an empty audit trail: the template's own setup writes are not its history.
        assert clone["rows"].pop("audit_auditevent") == catalogue_empty_rows_digest()
        template["rows"].pop("audit_auditevent")
        for part in ("columns", "constraints", "indexes", "rows"):
            assert clone[part] == template[part], part
        assert len(template["indexes"]) > 50 and any(r for r in template["rows"].values())
        with connection.cursor() as cursor:
            # New rows continue after the copied ones: the identity sequences moved past them.
            cursor.execute(
                "INSERT INTO clonecheck.django_content_type (app_label, model) VALUES (%s, %s) RETURNING id",
                ["clonecheck", "probe"],
            )
            new_id = cursor.fetchone()[0]
            cursor.execute("SELECT max(id) FROM _template.django_content_type")
            assert new_id == cursor.fetchone()[0] + 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS clonecheck CASCADE")
        connection.set_schema_to_public()
