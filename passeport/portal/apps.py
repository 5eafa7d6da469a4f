from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "passeport.portal"
    verbose_name = "Portail d'information"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import cache

        cache.connect_signals()
