from django.apps import AppConfig


class MembersConfig(AppConfig):
    """The tenant half of silos/: API tokens of the silo's own users (auth lives in each schema)."""

    name = "silos.members"
    label = "members"
    verbose_name = "Silo members and API tokens"
