from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "passeport.followup"
    verbose_name = "Suivi et rappels"
