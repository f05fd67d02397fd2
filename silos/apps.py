from django.apps import AppConfig


class SilosConfig(AppConfig):
    name = "silos"
    verbose_name = "Silos (platform registry)"
