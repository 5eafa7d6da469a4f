from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "passeport.catalog"
    label = "catalog"
    verbose_name = "Catalogue et dossiers de formation"
