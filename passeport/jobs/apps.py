from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "passeport.jobs"
    verbose_name = "Tâches de fond"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import recording

        recording.connect()
        # Every app's tasks are registered in every process, so that an operator can
        # retry any of them from the admin (the consumer discovers them the same way).
        autodiscover_modules("tasks")
