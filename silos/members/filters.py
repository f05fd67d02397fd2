import django_filters

from cashsheet.api.filters import ResourceFilterSet
from silos.members.models import DeletedObject


class DeletedObjectFilterSet(ResourceFilterSet):
    resource = django_filters.CharFilter(help_text="A list's path segment, e.g. `webhook-endpoints`.")

    class Meta:
        model = DeletedObject
        fields = ["resource"]
