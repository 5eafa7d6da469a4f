from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "passeport.api"
    label = "api"
    verbose_name = "API des logiciels déclarants"
