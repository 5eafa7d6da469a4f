from django.apps import AppConfig


class ReferentialsConfig(AppConfig):
    name = "passeport.referentials"
    label = "referentials"
    verbose_name = "Référentiels"
