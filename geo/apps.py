from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = "Spatial toolkit"

    def ready(self):
        from geo import checks  # noqa: F401  (registers the system checks)
