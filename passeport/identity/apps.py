from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "passeport.identity"
    label = "identity"
    verbose_name = "Identité et accès"
