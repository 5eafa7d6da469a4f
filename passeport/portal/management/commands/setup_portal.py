from django.core.management.base import BaseCommand

from passeport.portal.setup import DEMO_PASSWORD, setup_portal


class Command(BaseCommand):
    help = (
        "Met en place le portail d'information (pages initiales, site, circuit de modération). "
        "Idempotent : une page existante n'est jamais modifiée."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-operators",
            action="store_true",
            help="Crée deux opérateurs de démonstration (rédaction, modération) — "
            "défaut embarqué seulement.",
        )

    def handle(self, *args, demo_operators=False, **options):
        report = setup_portal(demo_operators=demo_operators)
        self.stdout.write(
            f"Portail : {len(report.created)} page(s) créée(s), "
            f"{len(report.kept)} déjà présente(s) et conservée(s)."
        )
        for username in report.operators:
            self.stdout.write(
                f"Opérateur de démonstration créé : {username} (mot de passe {DEMO_PASSWORD})."
            )
