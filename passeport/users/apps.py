from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "passeport.users"
    label = "users"
    verbose_name = "Utilisateurs"
