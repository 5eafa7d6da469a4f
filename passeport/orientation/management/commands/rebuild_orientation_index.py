from django.core.management.base import BaseCommand

from ...index import rebuild_prevention_index


class Command(BaseCommand):
    help = (
        "Recalcule ce que l'orientation précalcule des référentiels (compétences ROME de "
        "chaque type de formation de prévention du catalogue). Fait par load_referentials ; "
        "à relancer après un changement du catalogue de prévention. Idempotent."
    )

    def handle(self, *args, **options):
        count = rebuild_prevention_index()
        self.stdout.write(
            self.style.SUCCESS(f"{count} compétences liées aux types de formation de prévention.")
        )
