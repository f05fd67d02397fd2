from django.db.models import QuerySet

from silos.members.models import ApiToken


def token_list(*, user) -> QuerySet[ApiToken]:
    """The tokens a user may see: their own, or every token of the silo for a silo admin."""
    tokens = ApiToken.objects.select_related("user", "issued_by")
    if user.is_superuser or user.has_perm("members.manage_all_apitokens"):
        return tokens
    return tokens.filter(user=user)


def deleted_object_list() -> QuerySet:
    """Tombstones of erased rows (see DeletedObject), for incremental syncs."""
    from silos.members.models import DeletedObject

    return DeletedObject.objects.all()
