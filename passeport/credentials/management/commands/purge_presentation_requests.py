"""Deletes OpenID4VP presentation requests past their expiry (never answered) or past
their retention (answered). Idempotent; meant to run every few minutes."""

from django.core.management.base import BaseCommand

from passeport.credentials.oid4vp import requests


class Command(BaseCommand):
    help = (
        "Supprime les demandes de présentation expirées et les réponses conservées trop longtemps."
    )

    def handle(self, *args, **options):
        count = requests.purge()
        self.stdout.write(f"{count} demande(s) de présentation supprimée(s).")
