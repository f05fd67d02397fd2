"""Migrating every silo schema: one migration graph and one pre-migration state per process, not per silo.

django-tenants' executors run Django's whole `migrate` command once per schema: reload the migration
graph, render the full project state of ~60 models, run system checks, reconnect. That is about a second
of CPU per silo whatever there is to apply, so 1,000 silos cost a quarter of an hour on two cores even
for one small migration (BENCHMARKS.md, "1,000 silos").

Here each worker process loads the graph once, reads each schema's applied migrations (one query),
skips schemas that are up to date, and groups the rest by what they have applied: every silo cloned from
the same template has the same history, so the project states the plan goes through — before, and after
each operation, which Django renders again for every schema (seconds a silo for data migrations) — are
built once per group and shared. Each migration still runs in its own transaction in each schema, with
Django's own operations (database_forwards) and its recorder; pre-migrate and, when the plan adds or
changes models, post-migrate signals (content types, permissions) are sent per schema as `migrate` does.
Squashed or backwards plans take Django's executor unchanged. A schema that fails is reported and the
others go on; the command then exits 1.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from dataclasses import dataclass, field

from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection, connections, transaction
from django.db.migrations import Migration, operations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

logger = logging.getLogger(__name__)


@dataclass
class MigrateReport:
    """What a run did: schemas migrated, already current, failed (schema → error), and its wall time."""

    migrated: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    applied: int = 0
    seconds: float = 0.0

    def merge(self, other: MigrateReport) -> None:
        self.migrated += other.migrated
        self.current += other.current
        self.failed.update(other.failed)
        self.applied += other.applied


# Operations that cannot add a model or change its permissions: after a plan of only these, post_migrate
# (content types and permissions for every app, ~65 queries a schema: two thirds of the time) has nothing
# to do. Anything else — CreateModel, RenameModel, AlterModelOptions, an unknown operation — sends it.
_NO_NEW_MODELS = (
    operations.AddField,
    operations.AlterField,
    operations.RemoveField,
    operations.RenameField,
    operations.AddIndex,
    operations.RemoveIndex,
    operations.RenameIndex,
    operations.AddConstraint,
    operations.RemoveConstraint,
    operations.AlterUniqueTogether,
    operations.AlterIndexTogether,
    operations.AlterModelTable,
    operations.AlterModelManagers,
    operations.RunSQL,
    operations.RunPython,
)


def _settle(state) -> None:
    """Render a delayed state's registry whole, so that sharing it costs no further render."""
    if state.is_delayed:
        state.clear_delayed_apps_cache()
        _ = state.apps
        state.is_delayed = False


def _changes_models(plan) -> bool:
    return any(not isinstance(op, _NO_NEW_MODELS) for migration, _ in plan for op in migration.operations)


class _Worker:
    """Migrates a list of schemas on this process's connection, with one loader for all of them."""

    def __init__(self, verbosity: int = 0):
        self.verbosity = verbosity
        self.loader = MigrationLoader(connection, ignore_no_migrations=True)
        self.targets = self.loader.graph.leaf_nodes()
        # One executor for every schema (its own __init__ would load the graph again each time); the
        # connection is the same object, the loader's applied set and the recorder are set per schema.
        self.executor = MigrationExecutor(connection)
        self.states: dict[frozenset, tuple | None] = {}  # applied set → prepared states (see _prepared)

    def _prepared(self, executor, applied: frozenset, plan):
        """The plan's project states, operation by operation, rendered once for every schema that has
        applied exactly `applied`: (state before, [(migration, [(operation, from_state, to_state)])], state
        after). Django renders them again for each schema; with data migrations that is seconds a silo."""
        if applied in self.states:
            return self.states[applied]
        prepared = None
        if all(not backwards and type(m).apply is Migration.apply for m, backwards in plan):
            live = executor._create_project_state(with_applied_migrations=True)
            _ = live.apps  # rendered; clones below copy the rendered registry, state_forwards reloads in place
            pre_state, steps = live.clone(), []
            for migration, _backwards in plan:
                ops = []
                for operation in migration.operations:
                    before = live.clone()
                    if isinstance(operation, operations.RunPython):
                        _settle(before)  # RunPython drops a delayed registry; render it whole, once
                    operation.state_forwards(migration.app_label, live)
                    ops.append((operation, before, live.clone()))
                steps.append((migration, ops))
            _settle(live)
            prepared = (pre_state, steps, live)
        self.states[applied] = prepared
        return prepared

    @staticmethod
    def _apply(executor, migration, ops) -> None:
        """Django's MigrationExecutor.apply_migration + Migration.apply, with the states prepared above."""
        recorded = False
        with connection.schema_editor(atomic=migration.atomic) as editor:
            for operation, from_state, to_state in ops:
                atomic_operation = operation.atomic or (migration.atomic and operation.atomic is not False)
                if not editor.atomic_migration and atomic_operation:
                    with transaction.atomic(connection.alias):
                        operation.database_forwards(migration.app_label, editor, from_state, to_state)
                else:
                    operation.database_forwards(migration.app_label, editor, from_state, to_state)
            if not editor.deferred_sql:
                executor.record_migration(migration)
                recorded = True
        if not recorded:
            executor.record_migration(migration)

    @staticmethod
    def _recorder(schema: str) -> MigrationRecorder:
        recorder = MigrationRecorder(connection)
        # Django checks for django_migrations by listing every table of the schema, a catalogue scan that
        # takes a third of a second once there are 1,000 silos; to_regclass is one index lookup.
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [f'"{schema}".django_migrations'])
            recorder._has_table = cursor.fetchone()[0] is not None
        recorder.ensure_schema()
        return recorder

    def migrate_schema(self, schema: str, report: MigrateReport) -> None:
        connection.set_schema(schema, include_public=False)
        recorder = self._recorder(schema)
        applied = frozenset(recorder.applied_migrations())
        connection.set_schema(schema)  # the router decides tenant vs shared apps by this schema
        if self.loader.replacements:
            # Squashed migrations: which nodes the graph keeps depends on what this schema applied.
            self.loader = MigrationLoader(connection, ignore_no_migrations=True)
            self.states.clear()
        self.loader.applied_migrations = {key: None for key in applied}
        executor = self.executor
        executor.loader = self.loader
        executor.recorder = recorder
        plan = executor.migration_plan(self.targets)
        if not plan:
            report.current.append(schema)
            return
        prepared = None if self.loader.replacements else self._prepared(executor, applied, plan)
        if prepared is None:  # squashed or backwards migrations, a custom Migration.apply: Django's own way
            state = executor._create_project_state(with_applied_migrations=True)
            emit_pre_migrate_signal(self.verbosity, False, connection.alias, apps=state.apps, plan=plan)
            post_state = executor.migrate(self.targets, plan=plan, state=state)
        else:
            pre_state, steps, post_state = prepared
            emit_pre_migrate_signal(self.verbosity, False, connection.alias, apps=pre_state.apps, plan=plan)
            for migration, ops in steps:
                self._apply(executor, migration, ops)
        if _changes_models(plan):
            emit_post_migrate_signal(self.verbosity, False, connection.alias, apps=post_state.apps, plan=plan)
        report.migrated.append(schema)
        report.applied += len(plan)
        if self.verbosity:
            logger.info("migrated %s: %s", schema, ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan))

    def run(self, schemas: list[str]) -> MigrateReport:
        report = MigrateReport()
        for schema in schemas:
            try:
                self.migrate_schema(schema, report)
            except Exception as exc:  # one broken silo must not stop the other 999
                logger.exception("migrating schema %s failed", schema)
                report.failed[schema] = f"{type(exc).__name__}: {exc}"
                connection.close()
        connection.set_schema_to_public()
        return report


def _run_slice(args: tuple[list[str], int]) -> MigrateReport:
    schemas, verbosity = args
    connections.close_all()  # a forked child must not share its parent's socket
    try:
        return _Worker(verbosity).run(schemas)
    finally:
        connections.close_all()


def migrate_schemas(schemas: list[str], *, processes: int = 2, verbosity: int = 0) -> MigrateReport:
    """Bring every schema in `schemas` up to the code's migrations; `processes` workers in parallel."""
    started = time.perf_counter()
    report = MigrateReport()
    processes = max(1, min(processes, len(schemas)))
    if processes == 1:
        report.merge(_Worker(verbosity).run(schemas))
    else:
        connections.close_all()
        slices = [(schemas[i::processes], verbosity) for i in range(processes)]
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for part in pool.map(_run_slice, slices):
                report.merge(part)
    report.seconds = time.perf_counter() - started
    return report
