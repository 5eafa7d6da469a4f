from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "passeport.prevention"
    verbose_name = "Prévention"
