from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "passeport.journal"
    label = "journal"
    verbose_name = "Journal"
