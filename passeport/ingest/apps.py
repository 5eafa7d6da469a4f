from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "passeport.ingest"
    label = "ingest"
    verbose_name = "Imports de fichiers"
