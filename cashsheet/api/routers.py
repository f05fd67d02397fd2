"""The router every app registers its resources with; it also feeds the API root's index."""

from rest_framework.routers import SimpleRouter

REGISTERED_PREFIXES: list[str] = []
# viewset class -> the path segment it is served at (`webhook-endpoints`): a tombstone's `resource`.
RESOURCE_OF: dict[type, str] = {}


class ApiRouter(SimpleRouter):
    def register(self, prefix, viewset, basename=None):
        if prefix not in REGISTERED_PREFIXES:
            REGISTERED_PREFIXES.append(prefix)
        RESOURCE_OF.setdefault(viewset, prefix.rsplit("/", 1)[-1])
        super().register(prefix, viewset, basename)
