"""django-tenants' PostgreSQL backend, starting the embedded servers on the first connection.

Used only when DATABASE_URL is unset (development, `make demo`, `make test` without servers). Settings name
no host: the first connection starts (or reuses) the embedded PostgreSQL and Redis and takes the socket from
it, so importing settings (pytest's collection, `manage.py check`) starts nothing.
"""

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class DatabaseWrapper(TenantDatabaseWrapper):
    def get_connection_params(self):
        if not self.settings_dict.get("HOST"):
            from cashsheet import embedded

            self.settings_dict.update(embedded.start(name=self.settings_dict.get("NAME") or "postgres"))
        return super().get_connection_params()
