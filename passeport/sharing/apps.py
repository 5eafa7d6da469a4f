from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "passeport.sharing"
    verbose_name = "Partage"
