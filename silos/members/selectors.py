from django.db.models import QuerySet

from silos.members.models import ApiToken


def token_list(*, user) -> QuerySet[ApiToken]:
    """The tokens a user may see: their own, or every token of the silo for a silo admin."""
    tokens = ApiToken.objects.select_related("user", "issued_by")
    if token_sees_all(user=user):
        return tokens
    return tokens.filter(user=user)


def token_sees_all(*, user) -> bool:
    """A silo admin (or a holder of members.manage_all_apitokens) sees and may revoke every token."""
    return user.is_superuser or user.has_perm("members.manage_all_apitokens")
