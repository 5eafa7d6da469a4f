from django.apps import AppConfig


class CpfConfig(AppConfig):
    name = "passeport.cpf"
    label = "cpf"
    verbose_name = "Droits CPF"
