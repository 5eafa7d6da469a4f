from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "passeport.core"
    verbose_name = "Socle"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
