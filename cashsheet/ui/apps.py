from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class UiConfig(AppConfig):
    """The silo UI shell. Each app's `ui/nav.py` registers its menu entries (found by name, not imported)."""

    name = "cashsheet.ui"
    label = "ui"
    verbose_name = "Silo UI"

    def ready(self) -> None:
        from cashsheet.ui.nav import NavItem, nav_register

        nav_register(
            NavItem("Home", "Dashboard", "ui-dashboard", order=0),
            NavItem("Profile", "Password", "ui-password-change", order=90),
        )
        # Imports `<app>.ui.nav` for every installed app that has one; no domain module imports the UI.
        autodiscover_modules("ui.nav")
