from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "passeport.funding"
    label = "funding"
    verbose_name = "Financeurs (abondements)"
