"""The router every app registers its resources with; it also feeds the API root's index."""

from rest_framework.routers import SimpleRouter

REGISTERED_PREFIXES: list[str] = []


class ApiRouter(SimpleRouter):
    def register(self, prefix, viewset, basename=None):
        if prefix not in REGISTERED_PREFIXES:
            REGISTERED_PREFIXES.append(prefix)
        super().register(prefix, viewset, basename)
