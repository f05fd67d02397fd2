"""The Celery app. Tasks carry the silo's schema (tenant-schemas-celery), so they never run in public."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cashsheet.settings")

app = CeleryApp("cashsheet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
