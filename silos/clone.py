"""Cloning the silo template into a new schema from a recipe read once, not from the catalogue per silo.

django-tenants' clone_schema() is a general PL/pgSQL function that introspects the template table by
table through information_schema, including queries over every table of the database; its cost grows
with the number of silos already there (0.6 s a silo at 10 silos, 3-4 s at 70, see BENCHMARKS.md).

Our template is plain: tables, their constraints, indexes and triggers (the audit trail's, calling
functions of the public schema), identity columns and a few rows of data (migrations, content types,
permissions). That is read once per process into a list of statements —
``CREATE TABLE … (LIKE template.t INCLUDING DEFAULTS/CONSTRAINTS/IDENTITY/…)`` (defaults and check
constraints copied as expression trees, names kept), each key and index by its own name with
``pg_get_constraintdef`` / ``pg_get_indexdef``, the template's rows, the identity sequences moved past
them, the foreign keys last — and replayed in one transaction (one round trip) per silo, which costs
the same at the 1,000th silo as at the first. Names are kept exactly (Django's later migrations drop
indexes and constraints by name). Triggers come last, after the rows, so copying the template's rows
fires none of them; the template's own audit trail is not copied (its history is not the new silo's).
A template holding anything else (views, functions of its own or triggers calling them, free-standing
sequences, partitioned tables) is cloned by django-tenants as before.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection, transaction


@dataclass(frozen=True)
class Recipe:
    fingerprint: tuple
    plain: bool  # False: the template holds more than this module copies; use django-tenants' clone
    statements: list[str]  # run with search_path set to the new schema


# The template's audit trail records its migrations' writes; a new silo starts with a history of its own.
TABLES_WITHOUT_ROWS = frozenset({"audit_auditevent"})

_cache: dict[str, Recipe] = {}
_lock = threading.Lock()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _fingerprint(template: str) -> tuple:
    """Changes whenever a migration runs on the template: its history is the only thing that changes it.
    (Two indexed reads: no scan of the catalogue, whose size grows with the number of silos.)"""
    return tuple(_fetch(f"SELECT coalesce(max(id), 0), count(*) FROM {_q(template)}.django_migrations", [])[0])


def plain_template(template: str) -> bool:
    """True when the template holds nothing but tables, their indexes and their identity sequences."""
    (odd,) = _fetch(
        """
        SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = %s AND c.relkind NOT IN ('r', 'i', 'S', 't'))
             + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s)
             + (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid
                 WHERE n.nspname = %s AND NOT t.tgisinternal AND p.pronamespace = n.oid)
             + (SELECT count(*) FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
                 WHERE n.nspname = %s AND s.relkind = 'S' AND NOT EXISTS (
                   SELECT 1 FROM pg_depend d WHERE d.objid = s.oid AND d.deptype IN ('a', 'i')))
             + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE n.nspname = %s AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0)
        """,
        [template] * 5,
    )[0]
    return odd == 0


def _build(template: str) -> list[str]:
    src = _q(template)
    tables = [
        r[0]
        for r in _fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname",
            [template],
        )
    ]
    creates = [
        f"CREATE TABLE {_q(t)} (LIKE {src}.{_q(t)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY "
        f"INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION)"
        for t in tables
    ]
    with connection.cursor() as cursor:
        # With the template first on the path, definitions name its tables unqualified, so the same text
        # run with the new schema first on the path points at the new schema's tables.
        cursor.execute(f"SET LOCAL search_path = {src}, pg_catalog")
        cursor.execute(
            """
            SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
              FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = %s AND c.relkind = 'r' AND k.contype IN ('p', 'u', 'x', 'f')
             ORDER BY (k.contype = 'f'), (k.contype <> 'p'), c.relname, k.conname
            """,
            [template],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT pg_get_indexdef(i.indexrelid), quote_ident(n.nspname)
              FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
             ORDER BY 1
            """,
            [template],
        )
        # pg_get_indexdef always qualifies the table (`… ON _template.t USING …`): drop the qualifier.
        indexes = [definition.replace(f" ON {quoted}.", " ON ", 1) for definition, quoted in cursor.fetchall()]
        cursor.execute(
            """
            SELECT pg_get_triggerdef(t.oid), quote_ident(n.nspname)
              FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = %s AND NOT t.tgisinternal
             ORDER BY c.relname, t.tgname
            """,
            [template],
        )
        # The table is unqualified when visible on the path (it is, here); the function keeps its schema.
        triggers = [definition.replace(f" ON {quoted}.", " ON ", 1) for definition, quoted in cursor.fetchall()]
        cursor.execute("SET LOCAL search_path = DEFAULT")
    keys, foreign = [], []
    for t, name, kind, definition in constraints:
        (foreign if kind == "f" else keys).append(f"ALTER TABLE {_q(t)} ADD CONSTRAINT {_q(name)} {definition}")
    data, sequences = [], []
    for t in tables:
        if t in TABLES_WITHOUT_ROWS or not _fetch(f"SELECT EXISTS (SELECT 1 FROM {src}.{_q(t)})", [])[0][0]:
            continue
        columns = _fetch(
            "SELECT a.attname, a.attidentity <> '' FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s "
            "AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum",
            [template, t],
        )
        names = ", ".join(_q(name) for name, _ in columns)
        data.append(f"INSERT INTO {_q(t)} ({names}) OVERRIDING SYSTEM VALUE SELECT {names} FROM {src}.{_q(t)}")
        for name, identity in columns:
            if identity:
                sequences.append(
                    f"SELECT setval(pg_get_serial_sequence({_literal(_q(t))}, {_literal(name)}), "
                    f"coalesce((SELECT max({_q(name)}) FROM {_q(t)}), 0) + 1, false)"
                )
    # Rows before the foreign keys: one check per key over the copied rows instead of one per row.
    return creates + keys + indexes + data + sequences + foreign + triggers


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def clone_recipe(template: str) -> Recipe:
    """The template's recipe, rebuilt when the template changed (a migration) since it was read."""
    fingerprint = _fingerprint(template)
    recipe = _cache.get(template)
    if recipe is None or recipe.fingerprint != fingerprint:
        with _lock, transaction.atomic():
            plain = plain_template(template)
            recipe = Recipe(fingerprint, plain, _build(template) if plain else [])
            _cache[template] = recipe
    return recipe


def schema_clone(*, template: str, schema: str) -> bool:
    """Create `schema` as a copy of `template` (structure, names and rows) in one transaction.

    Returns False, creating nothing, when the template is not plain (the caller uses django-tenants).
    """
    recipe = clone_recipe(template)
    if not recipe.plain:
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {_q(schema)}")
        cursor.execute(f"SET LOCAL search_path = {_q(schema)}")
        cursor.execute(";\n".join(recipe.statements))  # one round trip for ~450 statements
        cursor.execute("SET LOCAL search_path = DEFAULT")
    connection.set_schema_to_public()
    return True
