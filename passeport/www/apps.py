from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "passeport.www"
    label = "www"
    verbose_name = "Site web"
