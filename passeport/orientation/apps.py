from django.apps import AppConfig


class OrientationConfig(AppConfig):
    name = "passeport.orientation"
    label = "orientation"
    verbose_name = "Orientation"

    def ready(self):
        from passeport.referentials.signals import referentials_loaded

        from . import index

        # What orientation precomputes from the referentials follows every load.
        referentials_loaded.connect(index.on_referentials_loaded, dispatch_uid="orientation")
