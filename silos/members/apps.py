from django.apps import AppConfig


class MembersConfig(AppConfig):
    """The tenant half of silos/: API tokens of the silo's own users (auth lives in each schema)."""

    name = "silos.members"
    label = "members"
    verbose_name = "Silo members and API tokens"
    silo_initialize_order = 5

    def silo_initialize(self, silo) -> None:
        """The built-in integration groups (silos/members/builtin_groups.py)."""
        from silos.members.services import builtin_groups_ensure

        builtin_groups_ensure()
