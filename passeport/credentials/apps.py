from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "passeport.credentials"
    verbose_name = "Attestations numériques"

    def ready(self):
        from . import signals

        signals.connect()
