"""Schema rules that keep every silo movable between PostgreSQL nodes (Citus schema-based sharding).

See docs/scaling.md. Django's own apps (auth, contenttypes, admin) declare 32-bit identity columns;
Citus distributes only tables whose identity columns are bigint, so migrations in `silos` (public
schema) and `silos.members` (every silo schema) widen them, and the foreign-key columns that point at
them, with WIDEN_IDENTITIES_SQL. tests/citus/ checks the result on the migrated catalogue.
"""

# Runs in the migration's current schema (django-tenants sets search_path to it); idempotent.
WIDEN_IDENTITIES_SQL = """
DO $$
DECLARE
  target record;
BEGIN
  FOR target IN
    SELECT c.relname AS tbl, a.attname AS col
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
       AND c.relkind = 'r' AND a.attidentity <> '' AND a.atttypid = 'int4'::regtype AND NOT a.attisdropped
  LOOP
    EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE bigint', target.tbl, target.col);
    EXECUTE format('ALTER SEQUENCE %s AS bigint', pg_get_serial_sequence(quote_ident(target.tbl), target.col));
  END LOOP;
  FOR target IN
    SELECT s.relname AS tbl, a.attname AS col
      FROM pg_constraint k
      JOIN pg_class s ON s.oid = k.conrelid
      JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
      JOIN pg_attribute r ON r.attrelid = k.confrelid AND r.attnum = k.confkey[1]
     WHERE k.contype = 'f' AND array_length(k.conkey, 1) = 1
       AND s.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
       AND a.atttypid = 'int4'::regtype AND r.atttypid = 'int8'::regtype
  LOOP
    EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE bigint', target.tbl, target.col);
  END LOOP;
END
$$;
"""
