from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "passeport.demo"
    label = "demo"
    verbose_name = "Population de démonstration"
