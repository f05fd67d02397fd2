from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from audit import actor, triggers

        # After every migrate of a schema: the capture function in public, a trigger on every table of
        # the silo's models (new apps' and new models' included), none on the excluded ones.
        # Before it too, so a secret column a migration adds is redacted from its first write.
        pre_migrate.connect(triggers.migrate_install, sender=self, dispatch_uid="audit-triggers-pre")
        post_migrate.connect(triggers.migrate_install, sender=self, dispatch_uid="audit-triggers")
        # A management command (or a worker) names itself on each of its connections (see audit/actor.py).
        if actor.process_via():
            connection_created.connect(actor.connection_label, dispatch_uid="audit-process-via")
