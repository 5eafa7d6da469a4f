from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "passeport.records"
    label = "records"
    verbose_name = "Entrées du passeport"
