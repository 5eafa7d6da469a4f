from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "passeport.organisations"
    label = "organisations"
    verbose_name = "Organisations"
