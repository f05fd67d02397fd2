"""Row locks for allocation: facilities then items, each in pk order, so concurrent confirmations never
deadlock and two of them cannot both take the last pound."""

from collections.abc import Iterable

from inventory.models import Facility, Item


def facilities_items_lock(*, facility_ids: Iterable[int], item_ids: Iterable[int]) -> None:
    list(Facility.objects.filter(pk__in=set(facility_ids)).order_by("pk").select_for_update().values_list("pk"))
    list(Item.objects.filter(pk__in=set(item_ids)).order_by("pk").select_for_update().values_list("pk"))
