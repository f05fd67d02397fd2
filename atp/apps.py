from django.apps import AppConfig


class AtpConfig(AppConfig):
    name = "atp"
    verbose_name = "Available to promise"
