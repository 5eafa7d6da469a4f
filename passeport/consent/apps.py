from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "passeport.consent"
    verbose_name = "Consentements"
